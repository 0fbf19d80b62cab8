"""Data of a continuous-time Markov chain: complete paths and panel data.

:class:`Paths` holds fully observed trajectories (every jump time), whose
likelihood depends on the data only through the transition counts ``N_ij``
and the total holding times ``R_i`` (Albert 1962, "Estimation of the
transition intensities of a Markov chain"). :class:`PanelData` holds states
seen at discrete times, in the long format of R's msm: one row per
observation with a subject ``id``, a ``time`` and a ``state``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def _check_states(state: np.ndarray, n_states: int | None) -> int:
    """Check that states are integers in 0..S-1; return S."""
    if state.size == 0:
        raise ValueError("no observations were given")
    if not np.all(np.isfinite(state)) or np.any(state != np.round(state)):
        raise ValueError(
            "states must be integer labels 0, 1, ..., S - 1; got non-integer "
            f"values such as {state[state != np.round(state)][:3]}"
        )
    if n_states is None:
        n_states = int(state.max()) + 1
    bad = (state < 0) | (state >= n_states)
    if np.any(bad):
        raise ValueError(
            f"state {int(state[bad][0])} is outside the declared state space "
            f"0..{n_states - 1}; relabel the states or raise n_states"
        )
    return int(n_states)


def _show(value) -> str:
    """A subject id as the user wrote it (numpy scalars unwrapped)."""
    return repr(value.item() if hasattr(value, "item") else value)


def _check_times(ids: np.ndarray, time: np.ndarray, *, what: str) -> None:
    """Check that times are finite and strictly increase within each id."""
    if not np.all(np.isfinite(time)):
        raise ValueError("observation times must be finite")
    same = ids[1:] == ids[:-1]
    step = np.diff(time)
    bad = np.flatnonzero(same & (step <= 0))
    if bad.size:
        k = bad[0]
        raise ValueError(
            f"times within {what} {_show(ids[k])} do not increase: {time[k]:g} is "
            f"followed by {time[k + 1]:g}; sort each path by time and drop "
            "repeated times"
        )
    starts = np.r_[True, ~same]
    if len(np.unique(ids)) != starts.sum():
        raise ValueError(
            f"the rows of some {what} are not contiguous; sort the data by id, "
            "then time"
        )
    sizes = np.diff(np.r_[np.flatnonzero(starts), len(ids)])
    if np.any(sizes < 2):
        k = np.flatnonzero(starts)[np.argmax(sizes < 2)]
        raise ValueError(
            f"{what} {_show(ids[k])} has only one observation; each {what} needs at "
            "least two (drop it, or add its later observations)"
        )


@dataclass
class Paths:
    """Fully observed paths of a chain on states ``0..n_states-1``.

    Attributes
    ----------
    times : numpy.ndarray, shape (n_paths, K + 1)
        ``times[p, 0]`` is the start, ``times[p, k]`` the time of the k-th
        jump (entries beyond ``n_jumps[p]`` are padding, set to ``inf``).
    states : numpy.ndarray, shape (n_paths, K + 1)
        State entered at ``times[p, k]`` (padding repeats the last state).
    n_jumps : numpy.ndarray, shape (n_paths,)
        Number of jumps of each path before ``t_end``.
    t_end : numpy.ndarray, shape (n_paths,)
        End of observation of each path.
    n_states : int
        Size of the state space.
    """

    times: np.ndarray
    states: np.ndarray
    n_jumps: np.ndarray
    t_end: np.ndarray
    n_states: int

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.times.shape[0])

    def sufficient_statistics(self) -> tuple[np.ndarray, np.ndarray]:
        """Transition counts ``N`` (S, S) and holding times ``R`` (S,).

        Returns
        -------
        tuple of numpy.ndarray
            ``N[i, j]``: number of jumps ``i -> j``; ``R[i]``: total time
            spent in ``i`` (the last, censored sojourn included).
        """
        S = self.n_states
        K = self.times.shape[1]
        k = np.arange(K)[None, :]
        inside = k <= self.n_jumps[:, None]
        ends = np.concatenate(
            [self.times[:, 1:], np.full((self.n_paths, 1), np.inf)], 1
        )
        ends = np.minimum(ends, self.t_end[:, None])
        hold = np.where(inside, ends - self.times, 0.0)
        R = np.bincount(self.states[inside], weights=hold[inside], minlength=S)
        jump = inside[:, 1:] & (k[:, 1:] <= self.n_jumps[:, None])
        frm, to = self.states[:, :-1][jump], self.states[:, 1:][jump]
        N = np.zeros((S, S))
        np.add.at(N, (frm, to), 1.0)
        return N, R

    def holding_times(self, state: int, *, censored: bool = False) -> np.ndarray:
        """Completed sojourn lengths in ``state`` (optionally the censored ones).

        Parameters
        ----------
        state : int
            The state.
        censored : bool
            Return the sojourns cut by the end of observation instead.

        Returns
        -------
        numpy.ndarray
            Sojourn lengths.
        """
        K = self.times.shape[1]
        k = np.arange(K)[None, :]
        nxt = np.concatenate([self.times[:, 1:], np.full((self.n_paths, 1), np.inf)], 1)
        if censored:
            last = k == self.n_jumps[:, None]
            sel = last & (self.states == state)
            return (
                np.broadcast_to(self.t_end[:, None], sel.shape)[sel] - self.times[sel]
            )
        sel = (k < self.n_jumps[:, None]) & (self.states == state)
        return nxt[sel] - self.times[sel]

    def state_at(self, t) -> np.ndarray:
        """States of every path at times ``t`` (shape (T,) or (n_paths, T)).

        Parameters
        ----------
        t : array_like
            Common times, or one row of times per path.

        Returns
        -------
        numpy.ndarray
            Integer states, shape (n_paths, T).
        """
        t = np.asarray(t, dtype=float)
        t = np.broadcast_to(t, (self.n_paths, t.shape[-1]))
        idx = np.array(
            [
                np.searchsorted(self.times[p], t[p], side="right") - 1
                for p in range(self.n_paths)
            ]
        )
        return np.take_along_axis(self.states, idx, axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per jump (and the start), plus the end time.

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``time``, ``state``; each path's last row is the
            end of observation, carrying the state then occupied.
        """
        rows_id, rows_t, rows_s = [], [], []
        for p in range(self.n_paths):
            n = int(self.n_jumps[p]) + 1
            rows_id.append(np.full(n + 1, p))
            rows_t.append(np.r_[self.times[p, :n], self.t_end[p]])
            rows_s.append(np.r_[self.states[p, :n], self.states[p, n - 1]])
        return pd.DataFrame(
            {
                "id": np.concatenate(rows_id),
                "time": np.concatenate(rows_t),
                "state": np.concatenate(rows_s).astype(int),
            }
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, n_states: int | None = None) -> Paths:
        """Paths from the long format of :meth:`to_frame`.

        Parameters
        ----------
        frame : pandas.DataFrame
            Columns ``id``, ``time``, ``state``; within a path each row gives
            the state from its time on, and the last row marks the end of
            observation.
        n_states : int, optional
            Size of the state space (default: largest state + 1).

        Returns
        -------
        Paths
        """
        ids, time, state = _columns(frame)
        S = _check_states(state, n_states)
        _check_times(ids, time, what="path")
        state = state.astype(int)
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        stops = np.r_[starts[1:], len(ids)]
        seqs = []
        for a, z in zip(starts, stops, strict=True):
            t, s = time[a : z - 1], state[a : z - 1]
            keep = np.r_[True, s[1:] != s[:-1]]
            seqs.append((t[keep], s[keep], time[z - 1]))
        K = max(len(t) for t, _, _ in seqs)
        n = len(seqs)
        times = np.full((n, K), np.inf)
        states = np.zeros((n, K), dtype=int)
        for p, (t, s, _) in enumerate(seqs):
            times[p, : len(t)] = t
            states[p, : len(t)] = s
            states[p, len(t) :] = s[-1]
        n_jumps = np.array([len(t) - 1 for t, _, _ in seqs])
        t_end = np.array([e for _, _, e in seqs])
        return cls(times, states, n_jumps, t_end, S)


def _columns(frame: pd.DataFrame):
    missing = {"id", "time", "state"} - set(frame.columns)
    if missing:
        raise ValueError(
            f"the data need columns id, time, state; missing {sorted(missing)}"
        )
    ids = frame["id"].to_numpy()
    time = frame["time"].to_numpy(dtype=float)
    state = frame["state"].to_numpy(dtype=float)
    return ids, time, state


@dataclass
class PanelData:
    """States of subjects observed at discrete times (msm's long format).

    Parameters
    ----------
    id, time, state : array_like
        One entry per observation, sorted by id and then strictly increasing
        time within each id; states are integer labels ``0..n_states-1``.
    n_states : int, optional
        Size of the state space (default: largest state + 1).
    """

    id: np.ndarray
    time: np.ndarray
    state: np.ndarray
    n_states: int | None = None

    def __post_init__(self):
        self.id = np.asarray(self.id)
        self.time = np.asarray(self.time, dtype=float)
        state = np.asarray(self.state, dtype=float)
        if not (len(self.id) == len(self.time) == len(state)):
            raise ValueError("id, time and state must have the same length")
        self.n_states = _check_states(state, self.n_states)
        _check_times(self.id, self.time, what="subject")
        self.state = state.astype(int)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, n_states: int | None = None):
        """Panel data from a DataFrame with columns ``id``, ``time``, ``state``.

        Parameters
        ----------
        frame : pandas.DataFrame
            The observations.
        n_states : int, optional
            Size of the state space.

        Returns
        -------
        PanelData
        """
        ids, time, state = _columns(frame)
        return cls(ids, time, state, n_states)

    def to_frame(self) -> pd.DataFrame:
        """The observations as a DataFrame (``id``, ``time``, ``state``).

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame({"id": self.id, "time": self.time, "state": self.state})

    @property
    def n_subjects(self) -> int:
        """Number of subjects (paths)."""
        return int(np.sum(np.r_[True, self.id[1:] != self.id[:-1]]))

    def transitions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Consecutive pairs within subjects: (interval, from state, to state).

        Returns
        -------
        tuple of numpy.ndarray
        """
        same = self.id[1:] == self.id[:-1]
        dt = np.diff(self.time)[same]
        return dt, self.state[:-1][same], self.state[1:][same]

    def first_states(self) -> np.ndarray:
        """The first observed state of each subject.

        Returns
        -------
        numpy.ndarray
        """
        return self.state[np.r_[True, self.id[1:] != self.id[:-1]]]

    def interval_counts(self, decimals: int = 9):
        """Distinct interval lengths and the transition counts at each.

        Intervals equal after rounding to ``decimals`` are pooled, so a
        regular grid needs one matrix exponential per distinct length.

        Parameters
        ----------
        decimals : int
            Rounding used to pool interval lengths.

        Returns
        -------
        lengths : numpy.ndarray, shape (D,)
        counts : numpy.ndarray, shape (D, S, S)
        """
        dt, a, b = self.transitions()
        lengths, inverse = np.unique(np.round(dt, decimals), return_inverse=True)
        S = self.n_states
        counts = np.zeros((len(lengths), S, S))
        np.add.at(counts, (inverse, a, b), 1.0)
        return lengths, counts
