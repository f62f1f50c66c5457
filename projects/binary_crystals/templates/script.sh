{# signac-flow job-script template for `python project.py submit` (any scheduler).

   flow selects the scheduler environment itself (SLURM, PBS, LSF, or a named HPC site), or
   from the SIGNAC_FLOW_ENVIRONMENT variable, e.g. SIGNAC_FLOW_ENVIRONMENT=DefaultSlurmEnvironment.
   `base_script` is that environment's own template; this file only adds the set-up every
   job of this study needs. Nothing here is a hard-coded path: the Python environment is
   taken from COLLOIDML_VENV (a virtualenv directory) or COLLOIDML_CONDA_ENV (a conda
   environment name, e.g. one with HOOMD-blue), whichever is set at submission time. #}
{% extends base_script %}
{% block custom_content %}
{{ super() }}
# --- hoomd-colloidml set-up -------------------------------------------------------------
{% raw %}
if [ -n "${COLLOIDML_CONDA_ENV:-}" ]; then
    source "$(conda info --base)/etc/profile.d/conda.sh" && conda activate "${COLLOIDML_CONDA_ENV}"
elif [ -n "${COLLOIDML_VENV:-}" ]; then
    source "${COLLOIDML_VENV}/bin/activate"
fi
export MPLBACKEND=Agg
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-${TMPDIR:-/tmp}/colloidml-numba-cache}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
{% endraw %}
{% endblock custom_content %}
