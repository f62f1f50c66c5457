"""scikit-learn's estimator checks on the tabular estimators (small epochs to stay fast).

DiffractionCNN takes image stacks (N, H, W), not (N, d) tables, so the tabular checks do
not apply to it; its sklearn behaviour (clone, get_params, NotFittedError) is tested in
test_cnn.py.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from hoomd_colloidml.models import (
    ForwardSelector,
    PhaseClassifier,
    PropensityRegressor,
    UnsupervisedClassifier,
)


@parametrize_with_checks(
    [
        ForwardSelector(),
        PropensityRegressor(random_state=0),
        PhaseClassifier(max_epochs=15, learning_rate=0.05, random_state=0),
        UnsupervisedClassifier(bottleneck=1, max_epochs=3, max_components=3, random_state=0),
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
