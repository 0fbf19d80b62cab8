# Left-truncated (delayed entry), right-censored Weibull AFT fit by direct
# maximisation of a hand-written log-likelihood, an independent check of the
# lifelines fit in truncation_reference.py (which runs this script and stores
# the answer in truncation_reference.json).
#
# Run:  Rscript tests/survival/reference/truncation_reference.R
# Prints the fit as JSON on standard output; reads truncation_data.csv.
#
# Model (lifelines' WeibullAFTFitter parametrisation):
#   S(t | x) = exp(-(t / lambda)^rho),  log(lambda) = b0 + b1 * x,  log(rho) = c0
# Log-likelihood with entry time e:
#   sum status * log h(t) - H(t) + H(e),  H(t) = (t / lambda)^rho

suppressPackageStartupMessages(library(jsonlite))

file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."
dat <- read.csv(file.path(here, "truncation_data.csv"))

negloglik <- function(par) {
  log_lambda <- par[1] + par[2] * dat$x
  rho <- exp(par[3])
  cumhaz <- function(t) exp(rho * (log(t) - log_lambda))
  log_h <- log(rho) - log_lambda + (rho - 1) * (log(dat$time) - log_lambda)
  -sum(dat$status * log_h - cumhaz(dat$time) + cumhaz(dat$entry))
}

# Analytic gradient of negloglik (u = rho * (log t - log lambda), H = exp(u)).
gradient <- function(par) {
  log_lambda <- par[1] + par[2] * dat$x
  rho <- exp(par[3])
  u_t <- rho * (log(dat$time) - log_lambda)
  u_e <- rho * (log(dat$entry) - log_lambda)
  h_e <- exp(u_e)
  he_ue <- ifelse(dat$entry > 0, h_e * u_e, 0)     # H(0) log-term is 0
  d_loglam <- rho * (-dat$status + exp(u_t) - h_e)
  d_logrho <- dat$status * (1 + u_t) - exp(u_t) * u_t + he_ue
  -c(sum(d_loglam), sum(d_loglam * dat$x), sum(d_logrho))
}

# Crude start: log of the mean follow-up time, slope 0, shape 1.
start <- c(log(mean(dat$time)), 0, 0)
opt <- optim(start, negloglik, gradient, method = "BFGS", hessian = TRUE,
             control = list(reltol = 0, maxit = 1000))
se <- sqrt(diag(solve(opt$hessian)))
names <- c("lambda_:Intercept", "lambda_:x", "rho_:Intercept")

result <- list(
  program = "truncation_reference.R",
  R = R.version.string,
  method = "optim(method = 'BFGS', hessian = TRUE), analytic gradient, reltol 0",
  convergence = opt$convergence,
  counts = as.list(opt$counts),
  params = as.list(setNames(opt$par, names)),
  se = as.list(setNames(se, names)),
  loglik = -opt$value,
  max_abs_gradient = max(abs(gradient(opt$par)))
)
cat(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
