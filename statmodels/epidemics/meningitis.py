r"""A deterministic meningitis model with carriers and two stages of infection.

The model follows the abstract of Yaga & Saporu (2023), "A study of a
deterministic model for meningitis epidemic" (arXiv:2304.00148). The full
text was not available when this module was written, so the equations below
are a faithful reading of that abstract rather than a transcription of the
paper's own system.

Compartments: S (susceptible), C (carrier), I1 and I2 (the two stages of
infection), R (immune, reached from carriage or from either stage) and D
(disease deaths, kept for bookkeeping). The living population
N = S + C + I1 + I2 + R falls as deaths accrue. The force of infection is

.. math::

    \lambda = \beta (\epsilon C + I_1 + I_2) / N  \quad\text{(frequency)},\qquad
    \lambda = \beta (\epsilon C + I_1 + I_2)      \quad\text{(mass action)},

where :math:`\epsilon` is the odds that a carrier rather than an infective
transmits. A proportion :math:`\phi` of new infections goes straight to
stage I1; the rest become carriers. (The abstract also calls :math:`\phi` a
"carrier conversion rate"; here it is always the proportion.)
:math:`\phi = 0` is the base model.

.. math::

    \dot S   &= -\lambda S \\
    \dot C   &= (1 - \phi)\lambda S - (\sigma + \gamma_c) C \\
    \dot I_1 &= \phi\lambda S + \sigma C - (\kappa + \gamma_1 + \delta_1) I_1 \\
    \dot I_2 &= \kappa I_1 - (\gamma_2 + \delta_2) I_2 \\
    \dot R   &= \gamma_c C + \gamma_1 I_1 + \gamma_2 I_2 \\
    \dot D   &= \delta_1 I_1 + \delta_2 I_2

A seventh state, K, accumulates new stage-I1 cases
(:math:`\dot K = \phi\lambda S + \sigma C`) so that weekly incidence is a
difference of K. States are solved as proportions of the initial population.

Reproduction number. With infected states x = (C, I1, I2), new infections
enter through a rank-one matrix :math:`F = s_0\beta\,a\,b^\top` with
:math:`a = (1-\phi, \phi, 0)`, :math:`b = (\epsilon, 1, 1)` and
:math:`s_0 = 1` (frequency) or :math:`S_0` (mass action); with
:math:`k_c = \sigma+\gamma_c`, :math:`k_1 = \kappa+\gamma_1+\delta_1`,
:math:`k_2 = \gamma_2+\delta_2`,

.. math::

    R_0 = s_0\beta\Big[(1-\phi)\Big(\frac{\epsilon}{k_c}
          + \frac{\sigma (k_2+\kappa)}{k_c k_1 k_2}\Big)
          + \phi\,\frac{k_2+\kappa}{k_1 k_2}\Big].

Because F has rank one, the next-generation matrix :math:`K = F V^{-1}` has a
single non-zero eigenvalue, equal to its trace.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

#: Parameter names, in the order of the parameter vector ``theta``.
PARAMS = (
    "beta",
    "epsilon",
    "phi",
    "sigma",
    "gamma_c",
    "kappa",
    "gamma_1",
    "delta_1",
    "gamma_2",
    "delta_2",
)
#: Compartments given in an initial state, in state order.
COMPARTMENTS = ("S", "C", "I1", "I2", "R", "D")
#: Index of the cumulative stage-I1 case count in the solved state.
CUMULATIVE = 6
FORCES = ("frequency", "mass_action")
ADJOINTS = {
    "checkpoint": diffrax.RecursiveCheckpointAdjoint,
    "direct": diffrax.DirectAdjoint,
    "forward": diffrax.ForwardMode,
}
SOLVERS = {"explicit": diffrax.Tsit5, "stiff": diffrax.Kvaerno5}


def check_force(force: str) -> str:
    """Validate a force-of-infection name.

    Parameters
    ----------
    force : str
        ``"frequency"`` or ``"mass_action"``.

    Returns
    -------
    str
        The same name.
    """
    if force not in FORCES:
        raise ValueError(
            f"force={force!r} is not known; use 'frequency' (beta (eps C + I1 + "
            "I2) / N) or 'mass_action' (beta (eps C + I1 + I2))"
        )
    return force


def check_parameters(values: Mapping[str, float]) -> dict[str, float]:
    """Check that rates are finite and non-negative and phi lies in [0, 1].

    Parameters
    ----------
    values : mapping
        Parameter name to value, for some or all of :data:`PARAMS`.

    Returns
    -------
    dict
        The values as floats.
    """
    out = {}
    for name, value in values.items():
        v = float(value)
        if not np.isfinite(v) or v < 0:
            raise ValueError(
                f"{name}={value!r} is not allowed: every rate (and epsilon) must be "
                "a finite number >= 0"
            )
        out[name] = v
    if "phi" in out and out["phi"] > 1:
        raise ValueError(
            f"phi={values['phi']!r} is outside [0, 1]; phi is the proportion of new "
            "infections that go straight to stage I1"
        )
    return out


def check_initial_state(y0: Mapping[str, float]) -> np.ndarray:
    """An initial state as a vector of counts in :data:`COMPARTMENTS` order.

    Parameters
    ----------
    y0 : mapping
        Compartment name to count; missing compartments are zero.

    Returns
    -------
    numpy.ndarray
        The six counts (S, C, I1, I2, R, D).
    """
    unknown = set(y0) - set(COMPARTMENTS)
    if unknown:
        raise ValueError(
            f"unknown compartments {sorted(unknown)}; use {', '.join(COMPARTMENTS)}"
        )
    y = np.array([float(y0.get(k, 0.0)) for k in COMPARTMENTS])
    if not np.all(np.isfinite(y)) or np.any(y < 0):
        raise ValueError(
            f"initial state {dict(y0)} has a negative or non-finite count; "
            "every compartment must be >= 0"
        )
    if y[:5].sum() <= 0:
        raise ValueError(
            f"initial state {dict(y0)} gives a living population S + C + I1 + I2 + "
            "R of 0; give a positive population"
        )
    return y


def _unpack(theta):
    return [theta[..., i] for i in range(len(PARAMS))]


def _new_infections(y, theta, n0, force):
    """New infections into (C, I1) per unit time: (1 - phi) lam S, phi lam S."""
    beta, eps, phi = theta[0], theta[1], theta[2]
    s, c, i1, i2, r = y[0], y[1], y[2], y[3], y[4]
    pressure = eps * c + i1 + i2
    if force == "frequency":
        lam = beta * pressure / (s + c + i1 + i2 + r)
    else:
        lam = beta * n0 * pressure
    return lam * s, (1 - phi) * lam * s, phi * lam * s


def rhs(t, y, args):
    """Right-hand side of the system on proportions of the initial population.

    Parameters
    ----------
    t : float
        Time (unused: the system is autonomous).
    y : jax.Array
        State (S, C, I1, I2, R, D, K) as proportions.
    args : tuple
        ``(theta, n0, force)``: parameter vector, initial population (used by
        mass action) and force of infection name.

    Returns
    -------
    jax.Array
        The time derivative of ``y``.
    """
    theta, n0, force = args
    sigma, gamma_c, kappa, g1, d1, g2, d2 = _unpack(theta)[3:]
    c, i1, i2 = y[1], y[2], y[3]
    total, to_c, to_i1 = _new_infections(y, theta, n0, force)
    return jnp.stack(
        [
            -total,
            to_c - (sigma + gamma_c) * c,
            to_i1 + sigma * c - (kappa + g1 + d1) * i1,
            kappa * i1 - (g2 + d2) * i2,
            gamma_c * c + g1 * i1 + g2 * i2,
            d1 * i1 + d2 * i2,
            to_i1 + sigma * c,
        ]
    )


@functools.partial(
    jax.jit,
    static_argnames=("force", "solver", "rtol", "atol", "max_steps", "adjoint"),
)
def solve(
    theta,
    y0,
    ts,
    n0=1.0,
    *,
    force="frequency",
    solver="explicit",
    rtol=1e-8,
    atol=1e-10,
    max_steps=4096,
    adjoint="checkpoint",
):
    """Solve the system on proportions and return the states at ``ts``.

    Parameters
    ----------
    theta : array, shape (10,)
        Parameters in :data:`PARAMS` order.
    y0 : array, shape (7,)
        Initial state (S, C, I1, I2, R, D, K) as proportions of ``n0``.
    ts : array
        Increasing output times; the solve starts at ``ts[0]``.
    n0 : float
        Initial living population (scales mass action).
    force, solver : str
        Force of infection and ``"explicit"`` (Tsit5) or ``"stiff"``
        (Kvaerno5).
    rtol, atol, max_steps
        Step-size control and the step budget.
    adjoint : {"checkpoint", "direct", "forward"}
        Differentiation through the solve: diffrax's recursive checkpointing
        (reverse mode only, the cheaper), its direct adjoint (forward and
        reverse mode, so Hessians by forward-over-reverse work) or its
        forward mode (``jvp`` and ``jacfwd`` only).

    Returns
    -------
    jax.Array, shape (len(ts), 7)
        States at ``ts``; all NaN where the solver failed (so a likelihood
        built on it is -inf rather than an exception inside a sampler).
    """
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(rhs),
        SOLVERS[solver](),
        t0=ts[0],
        t1=ts[-1],
        dt0=None,
        y0=y0,
        args=(theta, n0, force),
        saveat=diffrax.SaveAt(ts=ts),
        stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
        max_steps=max_steps,
        adjoint=ADJOINTS[adjoint](),
        throw=False,
    )
    ok = sol.result == diffrax.RESULTS.successful
    return jnp.where(ok, sol.ys, jnp.nan)


@functools.partial(
    jax.jit, static_argnames=("days", "steps_per_day", "force", "adjoint")
)
def solve_daily(
    theta, y0, n0=1.0, *, days, steps_per_day=1, force="frequency", adjoint="forward"
):
    """Fixed-step Tsit5 (diffrax), saving the state at the end of every day.

    Used by the likelihood. A fixed number of steps makes the solution a
    smooth function of the parameters (an adaptive solve jumps slightly where
    the accepted steps change), which Newton's method and the Hessian of the
    MLE rely on, and the solve is cheap to differentiate in forward mode.

    Parameters
    ----------
    theta : array, shape (10,)
        Parameters in :data:`PARAMS` order.
    y0 : array, shape (7,)
        Initial state as proportions.
    n0 : float
        Initial population (mass action).
    days : int
        Number of days to solve.
    steps_per_day : int
        Steps per day (step 1 / steps_per_day days).
    force : str
        Force of infection.
    adjoint : {"forward", "checkpoint", "direct"}
        Differentiation through the solve: diffrax's forward mode (``jvp``
        and ``jacfwd``, any order), recursive checkpointing (reverse mode
        only) or its direct adjoint (both, the slowest).

    Returns
    -------
    jax.Array, shape (days + 1, 7)
        The state at days 0, 1, ..., ``days``.
    """
    # Known shortcoming: the step is fixed, so accuracy is not controlled
    # here; the tests compare it with tight adaptive solves, and
    # IncidenceModel.solver_error checks it at a fitted value (in caveats).
    steps = days * steps_per_day
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(rhs),
        diffrax.Tsit5(),
        t0=0.0,
        t1=float(days),
        dt0=None,
        y0=y0,
        args=(theta, n0, force),
        saveat=diffrax.SaveAt(t0=True, steps=True),
        # Step to the grid i / steps_per_day exactly, so that every day ends
        # on a step and the saved steps are the daily states.
        stepsize_controller=diffrax.StepTo(
            ts=jnp.arange(steps + 1, dtype=float) / steps_per_day
        ),
        max_steps=steps,
        adjoint=ADJOINTS[adjoint](),
        throw=False,
    )
    return sol.ys[::steps_per_day]


@functools.partial(
    jax.jit, static_argnames=("force", "solver", "rtol", "atol", "max_steps")
)
def solve_batch(
    thetas,
    y0,
    ts,
    n0=1.0,
    *,
    force="frequency",
    solver="explicit",
    rtol=1e-8,
    atol=1e-10,
    max_steps=4096,
):
    """:func:`solve` vectorised over a leading axis of parameter vectors.

    Parameters
    ----------
    thetas : array, shape (m, 10)
        One parameter vector per row.
    y0, ts, n0, force, solver, rtol, atol, max_steps
        As for :func:`solve` (shared by every row).

    Returns
    -------
    jax.Array, shape (m, len(ts), 7)
    """

    def one(theta):
        return solve(
            theta,
            y0,
            ts,
            n0,
            force=force,
            solver=solver,
            rtol=rtol,
            atol=atol,
            max_steps=max_steps,
        )

    return jax.vmap(one)(thetas)


def _closed_form_r0(theta, s0):
    beta, eps, phi, sigma, gamma_c, kappa, g1, d1, g2, d2 = _unpack(theta)
    kc, k1, k2 = sigma + gamma_c, kappa + g1 + d1, g2 + d2
    via_i1 = (k2 + kappa) / (k1 * k2)
    return s0 * beta * ((1 - phi) * (eps / kc + sigma * via_i1 / kc) + phi * via_i1)


def _ngm_parts(theta, s0, force):
    """F and V at the disease-free state, by differentiating the system's parts."""
    _, _, _, sigma, gamma_c, kappa, g1, d1, g2, d2 = _unpack(theta)
    n0 = s0 if force == "mass_action" else 1.0

    def new(x):
        y = jnp.concatenate([jnp.array([1.0]), x, jnp.zeros(2)])
        _, to_c, to_i1 = _new_infections(y, theta, n0, force)
        return jnp.stack([to_c, to_i1, 0.0 * to_c])

    def out(x):
        c, i1, i2 = x
        return jnp.stack(
            [
                (sigma + gamma_c) * c,
                -sigma * c + (kappa + g1 + d1) * i1,
                -kappa * i1 + (g2 + d2) * i2,
            ]
        )

    x0 = jnp.zeros(3)
    return jax.jacfwd(new)(x0), jax.jacfwd(out)(x0)


_ngm_parts_jit = jax.jit(_ngm_parts, static_argnames=("force",))


@functools.partial(jax.jit, static_argnames=("force",))
def _ngm(theta, s0, force):
    big_f, big_v = _ngm_parts(theta, s0, force)
    return big_f @ jnp.linalg.inv(big_v)


@dataclasses.dataclass
class Trajectory:
    """A solved outbreak: each compartment over time, as counts.

    Attributes
    ----------
    times : numpy.ndarray
        Output times.
    states : dict of numpy.ndarray
        ``S, C, I1, I2, R, D`` and ``K`` (cumulative stage-I1 cases) over time.
    population : float
        Initial living population.
    """

    times: np.ndarray
    states: dict
    population: float

    def __getitem__(self, name):
        return self.states[name]

    @property
    def ever_infected(self) -> np.ndarray:
        """Proportion of the initial population ever infected by time t.

        Everyone infected at the start, plus everyone who has left S.
        """
        s = self.states
        start = s["C"][0] + s["I1"][0] + s["I2"][0]
        return (s["S"][0] - s["S"] + start) / self.population

    @property
    def case_carrier_ratio(self) -> np.ndarray:
        """(I1 + I2) / C over time (NaN where there are no carriers)."""
        s = self.states
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s["C"] > 0, (s["I1"] + s["I2"]) / s["C"], np.nan)

    @property
    def weekly_cases(self) -> np.ndarray:
        """New stage-I1 cases between consecutive output times."""
        return np.diff(self.states["K"])

    def frame(self) -> pd.DataFrame:
        """The trajectory as a table with one row per time."""
        out = pd.DataFrame({"time": self.times, **self.states})
        out["N"] = out[["S", "C", "I1", "I2", "R"]].sum(axis=1)
        out["ever_infected"] = self.ever_infected
        out["case_carrier_ratio"] = self.case_carrier_ratio
        return out


class MeningitisModel:
    """The carrier and two-stage meningitis model of Yaga & Saporu (2023).

    Rates are per unit time (days in the examples). See the module docstring
    for the equations.

    Parameters
    ----------
    beta : float
        Transmission rate.
    epsilon : float
        Odds that a carrier rather than an infective transmits (>= 0).
    phi : float
        Proportion of new infections that go straight to stage I1, in [0, 1]
        (``phi = 0`` is the base model).
    sigma : float
        Rate at which carriers fall ill (C to I1).
    gamma_c, gamma_1, gamma_2 : float
        Recovery rates from carriage, stage I1 and stage I2.
    kappa : float
        Progression rate from stage I1 to I2.
    delta_1, delta_2 : float
        Disease death rates in stages I1 and I2.
    force : {"frequency", "mass_action"}
        Force of infection.
    population : float, optional
        Population at the disease-free state; needed for R0 under mass
        action (and ignored under frequency dependence).
    """

    def __init__(
        self,
        beta,
        epsilon,
        phi,
        sigma,
        gamma_c,
        kappa,
        gamma_1,
        delta_1,
        gamma_2,
        delta_2,
        force="frequency",
        population=None,
    ):
        values = dict(
            zip(
                PARAMS,
                (
                    beta,
                    epsilon,
                    phi,
                    sigma,
                    gamma_c,
                    kappa,
                    gamma_1,
                    delta_1,
                    gamma_2,
                    delta_2,
                ),
                strict=True,
            )
        )
        self.params = check_parameters(values)
        self.force = check_force(force)
        if population is not None and not (float(population) > 0):
            raise ValueError(f"population={population!r} must be > 0")
        self.population = None if population is None else float(population)
        for name, v in self.params.items():
            setattr(self, name, v)
        kc = self.sigma + self.gamma_c
        k1 = self.kappa + self.gamma_1 + self.delta_1
        k2 = self.gamma_2 + self.delta_2
        if kc == 0 or k1 == 0 or k2 == 0:
            raise ValueError(
                "sigma + gamma_c, kappa + gamma_1 + delta_1 and gamma_2 + delta_2 "
                "must all be > 0 (otherwise an infected state never empties and R0 "
                "is infinite)"
            )

    # ---- basics ---------------------------------------------------------
    @property
    def theta(self) -> np.ndarray:
        """Parameter vector in :data:`PARAMS` order."""
        return np.array([self.params[k] for k in PARAMS])

    def replace(self, **changes) -> MeningitisModel:
        """A copy with some parameters (or ``force``, ``population``) changed.

        Parameters
        ----------
        **changes
            New values by name.

        Returns
        -------
        MeningitisModel
        """
        kw = dict(self.params, force=self.force, population=self.population)
        kw.update(changes)
        return MeningitisModel(**kw)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"MeningitisModel({inner}, force={self.force!r})"

    def _s0(self, population=None):
        if self.force == "frequency":
            return 1.0
        pop = population if population is not None else self.population
        if pop is None:
            raise ValueError(
                "under mass action R0 depends on the population size; give "
                "population= to MeningitisModel or to this method"
            )
        return float(pop)

    # ---- reproduction numbers ---------------------------------------------
    def next_generation_matrix(self, population=None) -> np.ndarray:
        """The next-generation matrix K = F V^-1 on (C, I1, I2).

        F and V are Jacobians, at the disease-free state, of the new-infection
        and transfer terms that the solver integrates.

        Parameters
        ----------
        population : float, optional
            Disease-free population (mass action only).

        Returns
        -------
        numpy.ndarray, shape (3, 3)
        """
        s0 = self._s0(population)
        return np.asarray(_ngm(jnp.asarray(self.theta), s0, self.force))

    def r0(self, population=None) -> float:
        """R0 as the spectral radius of the numerical next-generation matrix.

        Parameters
        ----------
        population : float, optional
            Disease-free population (mass action only).

        Returns
        -------
        float
        """
        return float(
            np.max(np.abs(np.linalg.eigvals(self.next_generation_matrix(population))))
        )

    def r0_closed_form(self, population=None) -> float:
        """R0 from the closed form in the module docstring.

        Parameters
        ----------
        population : float, optional
            Disease-free population (mass action only).

        Returns
        -------
        float
        """
        return float(_closed_form_r0(jnp.asarray(self.theta), self._s0(population)))

    def thresholds(self, population=None) -> dict[str, float]:
        """Threshold quantities for the spread of carriers and of infectives.

        The paper's own threshold conditions are not at hand; this gives the
        type reproduction numbers (Roberts & Heesterbeek 2003) targeted at
        carriers (``T_carrier``) and at stage-I1 infectives (``T_infective``):
        each exceeds 1 exactly when R0 does. Also the split of R0 into
        secondary infections transmitted by carriers and by infectives.

        Parameters
        ----------
        population : float, optional
            Disease-free population (mass action only).

        The route-targeted numbers (Shuai, Heesterbeek & van den Driessche
        2013) are defined for any phi, including phi = 0 where no new
        infection starts in I1: ``T_by_infectives`` is the threshold for
        spread through transmission by infectives once the carriers' own
        chains are counted in, R0_by_infectives / (1 - R0_by_carriers), and
        ``T_by_carriers`` likewise; each exceeds 1 exactly when R0 does, and
        is infinite where the other route alone sustains spread.

        Returns
        -------
        dict
            ``R0``, ``R0_by_carriers``, ``R0_by_infectives``, ``T_carrier``,
            ``T_infective`` (NaN where the type receives no new infections, or
            where the other types alone sustain transmission),
            ``T_by_carriers``, ``T_by_infectives`` and ``dfe_stable``.
        """
        s0 = self._s0(population)
        parts = _ngm_parts_jit(jnp.asarray(self.theta), s0, self.force)
        big_f, big_v = (np.asarray(m) for m in parts)
        k = big_f @ np.linalg.inv(big_v)
        r0 = float(np.max(np.abs(np.linalg.eigvals(k))))
        # Time a new infection (typed as the mix a) spends as a carrier, times
        # the carriers' transmission rate.
        a = np.array([1 - self.phi, self.phi, 0.0])
        in_c = np.linalg.solve(big_v, a)[0]
        out = {"R0": r0, "R0_by_carriers": s0 * self.beta * self.epsilon * in_c}
        out["R0_by_infectives"] = r0 - out["R0_by_carriers"]
        for key, i in (("T_carrier", 0), ("T_infective", 1)):
            out[key] = type_reproduction_number(k, i)
        # Transmission by carriers (the C column of F) and by infectives (the
        # I1 and I2 columns): K = K_C + K_I, one per route.
        f_carrier = big_f * np.array([1.0, 0.0, 0.0])
        k_carrier = f_carrier @ np.linalg.inv(big_v)
        k_infective = k - k_carrier
        out["T_by_carriers"] = route_reproduction_number(k_carrier, k_infective)
        out["T_by_infectives"] = route_reproduction_number(k_infective, k_carrier)
        out["dfe_stable"] = bool(r0 < 1)
        return out

    def sensitivity(self, population=None) -> pd.DataFrame:
        """Normalised forward sensitivity indices of R0, ranked.

        The index of parameter p is (dR0/dp) (p / R0), by automatic
        differentiation of the trace of the numerical next-generation matrix
        (its only non-zero eigenvalue, F having rank one).

        Parameters
        ----------
        population : float, optional
            Disease-free population (mass action only).

        Returns
        -------
        pandas.DataFrame
            Columns ``value``, ``index`` and ``rank`` (1 = largest absolute
            index), sorted by rank.
        """
        s0 = self._s0(population)
        theta = jnp.asarray(self.theta)
        grad = np.asarray(_r0_grad(theta, s0, self.force))
        r0 = float(jnp.trace(_ngm(theta, s0, self.force)))
        index = grad * self.theta / r0
        table = pd.DataFrame({"value": self.theta, "index": index}, index=list(PARAMS))
        table.index.name = "parameter"
        order = np.argsort(-np.abs(index), kind="stable")
        table["rank"] = 0
        table.iloc[order, table.columns.get_loc("rank")] = np.arange(1, len(PARAMS) + 1)
        return table.sort_values("rank")

    # ---- simulation --------------------------------------------------------
    def simulate(
        self,
        y0: Mapping[str, float],
        times,
        *,
        solver: str = "explicit",
        rtol: float = 1e-8,
        atol: float = 1e-10,
        max_steps: int = 16384,
    ) -> Trajectory:
        """Solve the model from ``y0`` and report each compartment over time.

        Parameters
        ----------
        y0 : mapping
            Compartment name (``S, C, I1, I2, R, D``) to count.
        times : array_like
            Increasing output times; the solve starts at ``times[0]``.
        solver : {"explicit", "stiff"}
            Tsit5 or Kvaerno5.
        rtol, atol : float
            Tolerances on the proportions.
        max_steps : int
            Step budget.

        Returns
        -------
        Trajectory
            Counts over time, the proportion ever infected and the
            case-carrier ratio.
        """
        if solver not in SOLVERS:
            raise ValueError(f"solver={solver!r}; use 'explicit' or 'stiff'")
        counts = check_initial_state(y0)
        times = np.asarray(times, dtype=float)
        if times.ndim != 1 or times.size < 2 or np.any(np.diff(times) <= 0):
            raise ValueError("times must be a strictly increasing 1-d array of >= 2")
        n0 = counts[:5].sum()
        y = jnp.asarray(np.append(counts / n0, 0.0))
        ys = solve(
            jnp.asarray(self.theta),
            y,
            jnp.asarray(times),
            n0,
            force=self.force,
            solver=solver,
            rtol=rtol,
            atol=atol,
            max_steps=max_steps,
        )
        ys = np.asarray(ys) * n0
        if not np.all(np.isfinite(ys)):
            raise RuntimeError(
                f"the {solver} solver failed within max_steps={max_steps}; raise "
                "max_steps or try solver='stiff'"
            )
        names = (*COMPARTMENTS, "K")
        return Trajectory(times, {k: ys[:, i] for i, k in enumerate(names)}, n0)

    def fit(self, cases, population, **kwargs):
        """Fit the model to weekly stage-I1 case counts.

        Parameters
        ----------
        cases : array_like or pandas.DataFrame
            Weekly counts, or a frame with ``week`` and ``cases`` columns.
        population : float
            Population at the start of the first week.
        **kwargs
            ``method`` (``"mle"``, ``"nuts"`` or ``"svi"``) and the settings of
            :class:`statmodels.epidemics.IncidenceModel` and the back end; see
            :func:`statmodels.epidemics.fit_incidence`.

        Returns
        -------
        statmodels.inference.Fit
        """
        from statmodels.epidemics.fitting import fit_incidence

        return fit_incidence(self, cases, population, **kwargs)


@functools.partial(jax.jit, static_argnames=("force",))
def _r0_grad(theta, s0, force):
    return jax.grad(lambda th: jnp.trace(_ngm(th, s0, force)))(theta)


def type_reproduction_number(k: np.ndarray, i: int) -> float:
    """Type reproduction number of type ``i`` from a next-generation matrix.

    T = e_i' K (I - (I - P) K)^-1 e_i with P the projection onto type i
    (Heesterbeek & Roberts 2007).

    Parameters
    ----------
    k : numpy.ndarray
        Next-generation matrix.
    i : int
        Target type.

    Returns
    -------
    float
        NaN when the other types alone have spectral radius >= 1 or type i
        never receives new infections.
    """
    n = k.shape[0]
    p = np.zeros((n, n))
    p[i, i] = 1.0
    rest = (np.eye(n) - p) @ k
    if np.max(np.abs(np.linalg.eigvals(rest))) >= 1:
        return float("nan")
    e = np.eye(n)[i]
    t = float(e @ k @ np.linalg.solve(np.eye(n) - rest, e))
    return t if np.any(k[i] != 0) else float("nan")


def route_reproduction_number(k_target: np.ndarray, k_rest: np.ndarray) -> float:
    """Reproduction number targeted at a transmission route.

    With the next-generation matrix split as K = K_target + K_rest (both
    non-negative), T = rho(K_target (I - K_rest)^-1) when rho(K_rest) < 1
    (Shuai, Heesterbeek & van den Driessche 2013, J. Math. Biol. 67: 1067);
    T > 1 exactly when rho(K) > 1.

    Parameters
    ----------
    k_target, k_rest : numpy.ndarray
        The targeted and the remaining parts of the next-generation matrix.

    Returns
    -------
    float
        Infinite when the remaining routes alone have spectral radius >= 1
        (no control of the targeted route stops spread).
    """
    n = k_rest.shape[0]
    if np.max(np.abs(np.linalg.eigvals(k_rest))) >= 1:
        return float("inf")
    m = k_target @ np.linalg.inv(np.eye(n) - k_rest)
    return float(np.max(np.abs(np.linalg.eigvals(m))))


def jacobian_at_dfe(model: MeningitisModel, population=None) -> np.ndarray:
    """Jacobian of the full system (S, C, I1, I2, R, D) at the disease-free state.

    Parameters
    ----------
    model : MeningitisModel
        The model.
    population : float, optional
        Population (mass action only).

    Returns
    -------
    numpy.ndarray, shape (6, 6)
    """
    n0 = model._s0(population)
    return np.asarray(_dfe_jacobian(jnp.asarray(model.theta), n0, model.force))


@functools.partial(jax.jit, static_argnames=("force",))
def _dfe_jacobian(theta, n0, force):
    y = jnp.array([1.0, 0, 0, 0, 0, 0, 0])
    return jax.jacfwd(lambda y: rhs(0.0, y, (theta, n0, force)))(y)[:6, :6]


def sweep(model: MeningitisModel, y0, times, **grid) -> pd.DataFrame:
    """R0, final proportion ever infected and case-carrier ratio over a grid.

    Parameters
    ----------
    model : MeningitisModel
        Values of the parameters not swept.
    y0 : mapping
        Initial counts.
    times : array_like
        Output times; the last is the horizon of the final size.
    **grid
        One or two parameter names mapped to arrays of values; every
        combination is solved (in one vectorised call).

    Returns
    -------
    pandas.DataFrame
        One row per combination: the swept values, ``R0``,
        ``ever_infected`` (at the last time), ``peak_cases`` (largest
        I1 + I2 as a proportion) and ``case_carrier_ratio`` (at the peak).
    """
    unknown = set(grid) - set(PARAMS)
    if unknown or not grid:
        raise ValueError(f"sweep over parameters in {PARAMS}, not {sorted(unknown)}")
    names = list(grid)
    mesh = np.meshgrid(*[np.asarray(grid[n], float) for n in names], indexing="ij")
    combos = np.stack([m.ravel() for m in mesh], axis=1)
    for row in combos:
        check_parameters(dict(zip(names, row, strict=True)))
    thetas = np.tile(model.theta, (len(combos), 1))
    for j, n in enumerate(names):
        thetas[:, PARAMS.index(n)] = combos[:, j]
    counts = check_initial_state(y0)
    n0 = counts[:5].sum()
    y = jnp.asarray(np.append(counts / n0, 0.0))
    ys = np.asarray(
        solve_batch(
            jnp.asarray(thetas),
            y,
            jnp.asarray(times, float),
            n0,
            force=model.force,
            max_steps=16384,
        )
    )
    s0 = 1.0 if model.force == "frequency" else n0
    r0 = np.asarray(jax.vmap(lambda th: _closed_form_r0(th, s0))(jnp.asarray(thetas)))
    sick = ys[:, :, 2] + ys[:, :, 3]
    peak = np.argmax(sick, axis=1)
    rows = np.arange(len(combos))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sick[rows, peak] / ys[rows, peak, 1]
    out = pd.DataFrame(combos, columns=names)
    out["R0"] = r0
    out["ever_infected"] = ys[:, 0, 0] - ys[:, -1, 0] + ys[:, 0, 1:4].sum(axis=1)
    out["peak_cases"] = sick[rows, peak]
    out["case_carrier_ratio"] = ratio
    return out


def default_model(**changes) -> MeningitisModel:
    """Illustrative parameter values, per day (R0 about 1.8).

    Parameters
    ----------
    **changes
        Values that replace the defaults.

    Returns
    -------
    MeningitisModel
    """
    # Illustrative values only (not the paper's, which were not at hand):
    # carriage lasts about a month, one carrier in ~17 falls ill, stage I1
    # lasts ~3 days, stage I2 ~1 week.
    kw = dict(
        beta=0.125,
        epsilon=0.5,
        phi=0.0,
        sigma=0.002,
        gamma_c=1 / 30,
        kappa=0.2,
        gamma_1=0.1,
        delta_1=0.01,
        gamma_2=0.1,
        delta_2=0.05,
    )
    kw.update(changes)
    return MeningitisModel(**kw)
