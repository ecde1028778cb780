"""An edit to the center shows on the next page view: the cached snapshot is forgotten once the
edit is committed (forgotten earlier, a page view could cache the old rows again)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from center.models import CenterProfile, Credential, Place
from center.profile import forget_center


@receiver([post_save, post_delete], sender=CenterProfile)
@receiver([post_save, post_delete], sender=Place)
@receiver([post_save, post_delete], sender=Credential)
def forget_the_cached_center(sender, **kwargs):
    transaction.on_commit(forget_center)
