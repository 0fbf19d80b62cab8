# Reference values from R's msm for the misclassification (hidden Markov)
# likelihood. panel3_noisy.csv: 60 subjects of a 3-state chain seen every
# 0.5 time units (8 times), each state mislabelled with probability 0.15
# (simulated once with statmodels.jump.simulate, seed 17; states 0..2).
# Run from this folder: Rscript msm_misclassification.R
library(msm)
library(jsonlite)
d <- read.csv("panel3_noisy.csv")
d$state1 <- d$state + 1
qfix <- rbind(c(-0.9, 0.6, 0.3), c(0.4, -0.9, 0.5), c(0.2, 0.7, -0.9))
efix <- rbind(c(0.8, 0.15, 0.05), c(0.1, 0.85, 0.05), c(0.02, 0.08, 0.9))
# Uniform law of the first true state; msm does not condition on the first
# observation when there is misclassification.
fixed <- msm(state1 ~ time, subject = id, data = d, qmatrix = qfix,
             ematrix = efix, initprobs = rep(1 / 3, 3), fixedpars = TRUE)
out <- list(
  data = list(id = d$id, time = d$time, state = d$state),
  q_fixed = qfix,
  e_fixed = efix,
  loglik_fixed_unconditional = -fixed$minus2loglik / 2,
  msm_version = as.character(packageVersion("msm"))
)
write_json(out, "msm_misclassification.json", digits = NA, matrix = "rowmajor",
           auto_unbox = TRUE, pretty = TRUE)
