# Reference values from R's msm for observed against expected prevalence
# at common times when subjects are seen at irregular times of their own.
# Two data sets: panel3.csv (every state communicates) and
# covariate_panel.csv fitted without covariates (state 2, death, absorbs).
# Run from this folder: Rscript msm_prevalence.R > msm_prevalence.txt
# (writes msm_prevalence.json; the printed output is kept beside it).
# observed.msm and expected.msm are the internal helpers of prevalence.msm.
library(msm)
library(jsonlite)
ctl <- list(fnscale = 1000, reltol = 1e-14, maxit = 20000)

tables <- function(fit, times, interp) {
  obs <- msm:::observed.msm(fit, times = times, interp = interp)
  ex <- msm:::expected.msm(fit, times = times)
  list(
    interp = interp,
    observed = unname(obs$obstab),
    expected = unname(ex[[1]]),
    expected_percent = unname(ex[[2]])
  )
}

d1 <- read.csv("panel3.csv")
d1$state1 <- d1$state + 1
q1 <- rbind(c(0, 0.3, 0.3), c(0.3, 0, 0.3), c(0.3, 0.3, 0))
fit1 <- msm(state1 ~ time, subject = id, data = d1, qmatrix = q1, control = ctl)
times1 <- seq(0, 7.5, by = 0.75)
print(prevalence.msm(fit1, times = times1))

d2 <- read.csv("covariate_panel.csv")
d2$state1 <- d2$state + 1
q2 <- rbind(c(0, 0.2, 0.05), c(0.2, 0, 0.1), c(0, 0, 0))
fit2 <- msm(state1 ~ time, subject = id, data = d2, qmatrix = q2, control = ctl)
times2 <- seq(0, 8, by = 0.5)
print(prevalence.msm(fit2, times = times2))

out <- list(
  panel3 = list(
    q = unclass(qmatrix.msm(fit1, ci = "none")),
    times = times1,
    start = tables(fit1, times1, "start"),
    midpoint = tables(fit1, times1, "midpoint")
  ),
  covariate_panel = list(
    q = unclass(qmatrix.msm(fit2, ci = "none")),
    times = times2,
    start = tables(fit2, times2, "start")
  ),
  msm_version = as.character(packageVersion("msm"))
)
write_json(out, "msm_prevalence.json", digits = NA, matrix = "rowmajor",
           auto_unbox = TRUE, pretty = TRUE)
