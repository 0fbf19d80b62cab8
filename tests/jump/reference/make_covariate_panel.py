"""Write covariate_panel.csv, the data of msm_covariates.R (run once, seeded).

An illness-death chain with recovery (0 healthy, 1 ill, 2 dead; allowed
0->1, 0->2, 1->0, 1->2) whose log intensities depend on a binary covariate
``sex`` fixed per subject and a continuous ``biomarker`` measured at every
visit. As in msm's model, the covariate value at the start of an interval
holds over the interval, so each step is drawn exactly from
``expm(Q(z) dt)``. Subjects are followed to death or their last visit.

Run from this folder: python make_covariate_panel.py
"""

import numpy as np
import pandas as pd
import scipy.linalg

PAIRS = [(0, 1), (0, 2), (1, 0), (1, 2)]
BASE = np.array([0.30, 0.06, 0.40, 0.15])
BETA_SEX = np.array([0.50, 0.30, -0.40, 0.60])
BETA_BIO = np.array([0.30, 0.10, -0.20, 0.40])


def rate_matrix(sex, bio):
    Q = np.zeros((3, 3))
    rates = BASE * np.exp(BETA_SEX * sex + BETA_BIO * bio)
    for (i, j), q in zip(PAIRS, rates, strict=True):
        Q[i, j] = q
    return Q - np.diag(Q.sum(axis=1))


def main(n_subjects=300, n_visits=7, seed=20240611):
    rng = np.random.default_rng(seed)
    rows = []
    for sid in range(n_subjects):
        sex = int(rng.random() < 0.5)
        level = rng.normal(0.0, 0.6)
        state = int(rng.random() < 0.3)
        t = 0.0
        for _ in range(n_visits):
            bio = round(level + rng.normal(0.0, 0.5), 3)
            rows.append((sid, round(t, 3), state, sex, bio))
            if state == 2:
                break
            dt = round(rng.uniform(0.3, 1.7), 3)
            P = scipy.linalg.expm(rate_matrix(sex, bio) * dt)
            state = int(rng.choice(3, p=P[state] / P[state].sum()))
            t += dt
    frame = pd.DataFrame(rows, columns=["id", "time", "state", "sex", "biomarker"])
    frame.to_csv("covariate_panel.csv", index=False)


if __name__ == "__main__":
    main()
