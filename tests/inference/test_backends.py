"""The shared back ends on small models with closed-form answers."""

import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
import pytest
import scipy.stats
from statmodels.inference import (
    BoundaryWarning,
    IdentifiabilityWarning,
    Model,
    load,
    meter,
    mle,
    nuts,
    svi,
)


class Normal(Model):
    """y ~ N(mu, sigma) with vague priors."""

    title = "Normal sample"

    def __init__(self, y):
        self.y = np.asarray(y, dtype=float)

    def numpyro_model(self):
        def model(data):
            mu = numpyro.sample("mu", dist.Normal(0, 100))
            sigma = numpyro.sample("sigma", dist.HalfNormal(100))
            numpyro.sample("y", dist.Normal(mu, sigma), obs=data["y"])

        return model

    def data(self):
        return {"y": self.y}

    @property
    def nobs(self):
        return len(self.y)

    def observed_data(self):
        return {"y": self.y}

    def config(self):
        return {}

    def frame(self):
        return pd.DataFrame({"y": self.y})

    @classmethod
    def from_config(cls, config, frame):
        return cls(frame["y"].to_numpy())


class Poisson(Normal):
    """y ~ Poisson(rate), rate ~ Gamma(2, 1): a conjugate posterior."""

    def numpyro_model(self):
        def model(data):
            rate = numpyro.sample("rate", dist.Gamma(2.0, 1.0))
            numpyro.sample("y", dist.Poisson(rate), obs=data["y"])

        return model


class Redundant(Normal):
    """y ~ N(a + b, 1): only a + b is identified."""

    def numpyro_model(self):
        def model(data):
            a = numpyro.sample("a", dist.Normal(0, 10))
            b = numpyro.sample("b", dist.Normal(0, 10))
            numpyro.sample("y", dist.Normal(a + b, 1.0), obs=data["y"])

        return model


class Separated(Normal):
    """A logistic regression on perfectly separated data."""

    def numpyro_model(self):
        x = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])

        def model(data):
            beta = numpyro.sample("beta", dist.Normal(0, 10))
            numpyro.sample("y", dist.Bernoulli(logits=beta * x), obs=data["y"])

        return model


@pytest.fixture(scope="module")
def sample():
    return np.random.default_rng(3).normal(1.5, 2.0, size=400)


def test_mle_matches_closed_form(sample):
    fit = mle(Normal(sample))
    n, mean = len(sample), sample.mean()
    sd = np.sqrt(np.mean((sample - mean) ** 2))
    assert fit.params.loc["mu", "estimate"] == pytest.approx(mean, abs=1e-10)
    assert fit.params.loc["sigma", "estimate"] == pytest.approx(sd, rel=1e-10)
    assert fit.params.loc["mu", "std_error"] == pytest.approx(sd / np.sqrt(n), rel=1e-8)
    assert fit.params.loc["sigma", "std_error"] == pytest.approx(
        sd / np.sqrt(2 * n), rel=1e-8
    )
    expected = scipy.stats.norm(mean, sd).logpdf(sample).sum()
    assert fit.log_likelihood == pytest.approx(expected, abs=1e-9)
    assert fit.aic == pytest.approx(-2 * expected + 4, abs=1e-8)
    assert fit.bic == pytest.approx(-2 * expected + 2 * np.log(n), abs=1e-8)
    # The interval for sigma is built on the log scale: asymmetric, positive.
    lo, hi = fit.params.loc["sigma", ["lower", "upper"]]
    assert hi - sd > sd - lo > 0


def test_delta_method(sample):
    fit = mle(Normal(sample))
    out = fit.transform(lambda p: np.exp(1.0) * p["mu"] ** 2, link="log")
    mu, se = fit.params.loc["mu", ["estimate", "std_error"]]
    assert out["estimate"] == pytest.approx(np.e * mu**2, rel=1e-12)
    assert out["std_error"] == pytest.approx(np.e * 2 * mu * se, rel=1e-8)


def test_nuts_matches_conjugate_posterior():
    y = np.random.default_rng(4).poisson(3.0, size=50)
    fit = nuts(Poisson(y), num_warmup=500, num_samples=1000, num_chains=2, seed=5)
    post = scipy.stats.gamma(2.0 + y.sum(), scale=1 / (1.0 + len(y)))
    draws = fit.draws["rate"].ravel()
    mc_se = post.std() / np.sqrt(fit.params.loc["rate", "ess_bulk"])
    assert abs(draws.mean() - post.mean()) < 4 * mc_se
    assert draws.std() == pytest.approx(post.std(), rel=0.1)
    assert scipy.stats.kstest(draws[::4], post.cdf).pvalue > 1e-3
    assert fit.info["divergences"] == 0


@pytest.mark.parametrize("guide", ["meanfield", "fullrank", "laplace"])
def test_svi_matches_conjugate_posterior(guide):
    y = np.random.default_rng(4).poisson(3.0, size=50)
    fit = svi(Poisson(y), guide=guide, num_steps=3000, seed=6)
    post = scipy.stats.gamma(2.0 + y.sum(), scale=1 / (1.0 + len(y)))
    assert fit.params.loc["rate", "estimate"] == pytest.approx(post.mean(), rel=0.02)
    assert fit.params.loc["rate", "std_error"] == pytest.approx(post.std(), rel=0.15)


def test_singular_information_is_reported(sample):
    with pytest.warns(IdentifiabilityWarning, match="singular.*a, b|singular.*b, a"):
        fit = mle(Redundant(sample))
    assert any("not identified" in c for c in fit.caveats)
    assert "not identified" in str(fit.summary())


def test_caveats_survive_save_and_load(sample, tmp_path):
    with pytest.warns(IdentifiabilityWarning):
        fit = mle(Redundant(sample))
    fit.save(tmp_path / "redundant.nc")
    back = load(tmp_path / "redundant.nc")
    assert back.caveats == fit.caveats
    assert str(back.summary()) == str(fit.summary())


def test_boundary_is_reported():
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.warns(BoundaryWarning, match="beta.*boundary"):
        fit = mle(Separated(y))
    assert fit.params.loc["beta", "estimate"] > 5


def test_save_load_generic_model(sample, tmp_path):
    fit = mle(Normal(sample))
    fit.save(tmp_path / "normal.nc")
    back = load(tmp_path / "normal.nc")
    pd.testing.assert_frame_equal(back.params, fit.params)
    assert str(back.summary()) == str(fit.summary())


def test_load_rejects_foreign_file(tmp_path):
    import xarray as xr

    xr.Dataset({"a": ("x", [1.0])}).to_netcdf(tmp_path / "x.nc", engine="h5netcdf")
    with pytest.raises(ValueError, match="not written by statmodels"):
        load(tmp_path / "x.nc")


def test_meter_switches_off(capsys):
    with meter(3, "work", progress=True) as bar:
        for _ in range(3):
            bar.update()
    assert "work" in capsys.readouterr().err
    with meter(3, "quiet", progress=False) as bar:
        bar.update()
    assert "quiet" not in capsys.readouterr().err
