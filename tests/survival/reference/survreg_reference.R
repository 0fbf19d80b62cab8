# Reference fits from R's survival::survreg, written to survreg_reference.json.
#
# Run from anywhere:  Rscript tests/survival/reference/survreg_reference.R
# It also (re)writes interval_data.csv, the simulated interval-censored data.
#
# Contents:
#   veteran          Surv(time, status) ~ karno + celltype for four distributions
#   veteran_weighted the Weibull fit with case weights w = 1 + (i %% 3)
#   veteran_predict  quantiles (and their delta-method SEs) at three new rows
#   interval         Weibull and log-logistic fits to simulated interval data

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

# Folder of this script, so that the outputs land beside it.
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else "."

# Everything we record about one survreg fit.
summarise_fit <- function(fit) {
  v <- vcov(fit)
  list(
    coef = as.list(coef(fit)),
    se = as.list(sqrt(diag(v))),          # includes "Log(scale)" unless fixed
    log_scale = log(fit$scale),           # 0 when the scale is fixed (exponential)
    scale = fit$scale,
    loglik = fit$loglik[2],
    loglik_intercept_only = fit$loglik[1],
    iter = unname(fit$iter),
    vcov = list(names = rownames(v), matrix = unname(v)),
    n = nrow(fit$y)
  )
}

vet <- survival::veteran            # celltype levels: squamous (reference), ...
form <- Surv(time, status) ~ karno + celltype
dists <- c("weibull", "loglogistic", "lognormal", "exponential")

out <- list(
  meta = list(
    program = "survreg_reference.R",
    R = R.version.string,
    survival = packageDescription("survival")$Version,
    data = "survival::veteran (time in days)",
    formula = "Surv(time, status) ~ karno + celltype",
    contrasts = "treatment, reference level squamous",
    events = sum(vet$status)
  )
)

# --- veteran, four distributions -------------------------------------------
fits <- lapply(setNames(dists, dists), function(d) survreg(form, data = vet, dist = d))
out$veteran <- lapply(fits, summarise_fit)

# --- veteran Weibull with case weights ----------------------------------------
w <- 1 + (seq_len(nrow(vet)) %% 3)
vet_w <- cbind(vet, w = w)
fit_w <- survreg(form, data = vet_w, weights = w, dist = "weibull")
out$veteran_weighted <- list(weights = w, weibull = summarise_fit(fit_w))

# --- quantile predictions at three new rows -----------------------------------
newdata <- data.frame(
  karno = c(30, 60, 90),
  celltype = factor(c("squamous", "adeno", "large"), levels = levels(vet$celltype))
)
p <- c(0.25, 0.5, 0.75)
predict_block <- function(fit) {
  q <- predict(fit, newdata, type = "quantile", p = p, se.fit = TRUE)
  uq <- predict(fit, newdata, type = "uquantile", p = p, se.fit = TRUE)
  lp <- predict(fit, newdata, type = "lp", se.fit = TRUE)
  list(
    quantile = unname(q$fit), quantile_se = unname(q$se.fit),      # time scale
    uquantile = unname(uq$fit), uquantile_se = unname(uq$se.fit),  # log-time scale
    lp = unname(lp$fit), lp_se = unname(lp$se.fit)
  )
}
out$veteran_predict <- list(
  newdata = list(karno = newdata$karno, celltype = as.character(newdata$celltype)),
  p = p,
  layout = "matrices are [newdata row][p]",
  weibull = predict_block(fits$weibull),
  loglogistic = predict_block(fits$loglogistic)
)

# --- simulated interval-censored data -----------------------------------------
# Weibull AFT truth: log T = b0 + b1 * x + sigma * log(E), E ~ Exp(1).
set.seed(2024)
n <- 300
truth <- list(intercept = 2.0, x = 0.5, log_scale = log(0.6))
x <- round(rnorm(n), 4)
t_true <- exp(truth$intercept + truth$x * x + exp(truth$log_scale) * log(rexp(n)))
follow_up <- runif(n, 8, 20)            # end of follow-up for each subject
exact <- runif(n) < 0.1                 # about 10% have the event time recorded
lower <- upper <- numeric(n)
for (i in seq_len(n)) {
  # Inspections at cumulative gaps of 0.5 to 2.5 time units, up to follow-up.
  visits <- cumsum(runif(40, 0.5, 2.5))
  visits <- visits[visits <= follow_up[i]]
  if (t_true[i] > max(visits)) {                  # right censored
    lower[i] <- max(visits); upper[i] <- Inf
  } else if (exact[i]) {                          # exact
    lower[i] <- upper[i] <- t_true[i]
  } else if (t_true[i] <= visits[1]) {            # left censored
    lower[i] <- 0; upper[i] <- visits[1]
  } else {                                        # in (previous visit, next visit]
    k <- which(visits >= t_true[i])[1]
    lower[i] <- visits[k - 1]; upper[i] <- visits[k]
  }
}
lower <- round(lower, 4)
upper <- ifelse(is.finite(upper), round(upper, 4), Inf)
kind <- ifelse(is.infinite(upper), "right",
          ifelse(lower == upper, "exact", ifelse(lower == 0, "left", "interval")))

# CSV: lower = 0 means left censored, upper = inf means right censored.
fmt <- function(v) ifelse(is.infinite(v), "inf", as.character(v))
write.csv(data.frame(lower = fmt(lower), upper = fmt(upper), x = fmt(x)),
          file.path(here, "interval_data.csv"), row.names = FALSE, quote = FALSE)

# survreg wants NA for an open end (a zero lower bound is invalid on the log scale).
idat <- data.frame(
  lower = ifelse(lower == 0, NA, lower),
  upper = ifelse(is.infinite(upper), NA, upper),
  x = x
)
iform <- Surv(lower, upper, type = "interval2") ~ x
out$interval <- list(
  data_file = "interval_data.csv",
  seed = 2024,
  n = n,
  truth = truth,
  counts = as.list(table(factor(kind, levels = c("exact", "right", "left", "interval")))),
  formula = "Surv(lower, upper, type = 'interval2') ~ x",
  weibull = summarise_fit(survreg(iform, data = idat, dist = "weibull")),
  loglogistic = summarise_fit(survreg(iform, data = idat, dist = "loglogistic"))
)

# ---- lung: R's dotted column names and missing values (complete cases) ------
lung_fit <- survreg(Surv(time, status == 2) ~ age + ph.ecog, data = lung,
                    dist = "weibull")
out$lung <- list(
  formula = "Surv(time, status == 2) ~ age + ph.ecog",
  n_dropped = length(lung_fit$na.action),
  weibull = summarise_fit(lung_fit)
)

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "survreg_reference.json"))

for (d in dists) cat(sprintf("veteran %-12s loglik %.4f  iter %d\n", d,
                             fits[[d]]$loglik[2], fits[[d]]$iter))
cat(sprintf("weighted weibull  loglik %.4f\n", fit_w$loglik[2]))
cat(sprintf("interval weibull  loglik %.4f  loglogistic %.4f\n",
            out$interval$weibull$loglik, out$interval$loglogistic$loglik))
print(unlist(out$interval$counts))
