"""DRF's rate throttles, with "off" (from the environment) meaning no limit."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _Switchable:
    def get_rate(self):
        rate = super().get_rate()
        return None if rate in (None, "", "off") else rate  # DRF allows every request when rate is None


class AnonThrottle(_Switchable, AnonRateThrottle):
    pass


class UserThrottle(_Switchable, UserRateThrottle):
    pass
