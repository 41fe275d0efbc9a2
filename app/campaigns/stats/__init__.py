"""Campaign experiment statistics: pure functions of per-arm sums, formulas cited in each module.

- :mod:`.comparisons`: treatment against control (z-test, Welch's t, delta-method relative
  lift, Bayesian chance to beat control, always-valid confidence sequence).
- :mod:`.srm`: sample-ratio mismatch; :mod:`.multiple`: Holm's correction.
- :mod:`.factorial`: main effects and interactions of factorial campaigns.
- :mod:`.simulation`: A/A simulations of the false-positive rate under daily peeking.
"""

from app.campaigns.stats.comparisons import compare_conversion, compare_revenue
from app.campaigns.stats.factorial import factorial_conversion, factorial_revenue
from app.campaigns.stats.multiple import holm
from app.campaigns.stats.srm import SRM_THRESHOLD, srm_p_value
from app.campaigns.stats.types import Arm, Comparison, Effect, StatsWarning

__all__ = [
    "SRM_THRESHOLD",
    "Arm",
    "Comparison",
    "Effect",
    "StatsWarning",
    "compare_conversion",
    "compare_revenue",
    "factorial_conversion",
    "factorial_revenue",
    "holm",
    "srm_p_value",
]
