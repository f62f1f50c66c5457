"""Shared building blocks of the signac-flow studies in ``projects/``.

Submodules: :mod:`~hoomd_colloidml.studies.io` (atomic writers of per-job products),
:mod:`~hoomd_colloidml.studies.statepoints` (state-point schemas and validation of the
binary hard-sphere crystal study, thesis Ch. 3, and the crystal-detection study, Ch. 4),
:mod:`~hoomd_colloidml.studies.labels` (local-environment labels of Ch. 3.4),
:mod:`~hoomd_colloidml.studies.builders` (coexistence, grain-boundary and seeded initial
conditions), :mod:`~hoomd_colloidml.studies.standard` (the standard q̄4–q̄6 classifier of
Ch. 4.3.1) and :mod:`~hoomd_colloidml.studies.render` (snapshots coloured by labels or by
RGB mixtures of membership probabilities, Ch. 4.3.1).

Nothing here writes to a signac *project* document: every product is a file inside one
job's directory (or one aggregate's directory), written atomically.
"""
