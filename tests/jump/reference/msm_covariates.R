# Reference values from R's msm for covariates on the log intensities.
# covariate_panel.csv: 300 subjects of an illness-death chain with recovery
# (states 0 healthy, 1 ill, 2 dead), a binary `sex` per subject and a
# continuous `biomarker` per visit (written by make_covariate_panel.py).
# Run from this folder: Rscript msm_covariates.R > msm_covariates.txt
# (writes msm_covariates.json; the printed output is kept beside it).
library(msm)
library(jsonlite)
d <- read.csv("covariate_panel.csv")
d$state1 <- d$state + 1
q0 <- rbind(c(0, 0.2, 0.05), c(0.2, 0, 0.1), c(0, 0, 0))
ctl <- list(fnscale = 1000, reltol = 1e-14, maxit = 20000)

summarise <- function(fit) {
  q <- qmatrix.msm(fit, ci = "delta")
  hr <- hazard.msm(fit)
  print(fit)
  list(
    loglik = -fit$minus2loglik / 2,
    q = unclass(q$estimates),
    q_se = unclass(q$SE),
    q_lower = unclass(q$L),
    q_upper = unclass(q$U),
    hr = lapply(hr, function(h) unname(h[, "HR"])),
    hr_lower = lapply(hr, function(h) unname(h[, "L"])),
    hr_upper = lapply(hr, function(h) unname(h[, "U"])),
    transitions = rownames(hr[[1]]),
    # Standard errors of the log hazard ratios, from the covariance of the
    # optimised parameters (log baseline rates, then the coefficients).
    estimates = unname(fit$estimates),
    se = unname(sqrt(diag(fit$covmat))),
    covmeans = as.list(fit$qcmodel$covmeans)
  )
}

full <- msm(state1 ~ time, subject = id, data = d, qmatrix = q0,
            covariates = ~ sex + biomarker, control = ctl)
shared <- msm(state1 ~ time, subject = id, data = d, qmatrix = q0,
              covariates = ~ sex + biomarker,
              constraint = list(sex = c(1, 1, 1, 1)), control = ctl)
# The log-likelihood at fixed parameters, no fitting: baseline rates at the
# covariate means and the coefficients below (x1 then x2, per transition).
qfix <- rbind(c(0, 0.25, 0.05), c(0.35, 0, 0.2), c(0, 0, 0))
covfix <- list(sex = c(0.4, 0.2, -0.3, 0.5), biomarker = c(0.3, 0.1, -0.2, 0.4))
fixed <- msm(state1 ~ time, subject = id, data = d, qmatrix = qfix,
             covariates = ~ sex + biomarker, covinits = covfix,
             fixedpars = TRUE)
# Rates at given covariate values, with delta-method standard errors.
at <- qmatrix.msm(full, covariates = list(sex = 1, biomarker = 0.5), ci = "delta")
print(at)
out <- list(
  q_at = list(covariates = list(sex = 1, biomarker = 0.5),
              estimates = unclass(at$estimates), se = unclass(at$SE),
              lower = unclass(at$L), upper = unclass(at$U)),
  full = summarise(full),
  shared = summarise(shared),
  q_fixed = qfix,
  coef_fixed = covfix,
  loglik_fixed = -fixed$minus2loglik / 2,
  msm_version = as.character(packageVersion("msm"))
)
write_json(out, "msm_covariates.json", digits = NA, matrix = "rowmajor",
           auto_unbox = TRUE, pretty = TRUE)
