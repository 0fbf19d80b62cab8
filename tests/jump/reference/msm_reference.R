# Reference values from R's msm for the panel-data likelihood tests.
# panel3.csv: 80 subjects of a 3-state chain, 6 irregular observations each
# (simulated once with statmodels.jump.simulate, seed 12; states 0..2).
# Run from this folder: Rscript msm_reference.R  (writes msm_reference.json)
library(msm)
library(jsonlite)
d <- read.csv("panel3.csv")
d$state1 <- d$state + 1
q0 <- rbind(c(0, 0.3, 0.3), c(0.3, 0, 0.3), c(0.3, 0.3, 0))
fit <- msm(state1 ~ time, subject = id, data = d, qmatrix = q0,
           control = list(fnscale = 1000, reltol = 1e-14, maxit = 10000))
qhat <- qmatrix.msm(fit, ci = "delta")
# The log-likelihood at a fixed rate matrix (no fitting).
qfix <- rbind(c(-0.6, 0.4, 0.2), c(0.3, -0.5, 0.2), c(0.1, 0.5, -0.6))
fixed <- msm(state1 ~ time, subject = id, data = d, qmatrix = qfix,
             fixedpars = TRUE)
out <- list(
  data = list(id = d$id, time = d$time, state = d$state),
  q_fixed = qfix,
  loglik_fixed = -fixed$minus2loglik / 2,
  q_mle = unclass(qhat$estimates),
  q_se = unclass(qhat$SE),
  loglik_mle = -fit$minus2loglik / 2,
  msm_version = as.character(packageVersion("msm"))
)
write_json(out, "msm_reference.json", digits = NA, matrix = "rowmajor",
           auto_unbox = TRUE, pretty = TRUE)
