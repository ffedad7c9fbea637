from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts import services


@receiver(email_confirmed, dispatch_uid="accounts-welcome-on-confirmation")
def welcome_on_first_confirmation(sender, request, email_address, **kwargs):
    services.member_email_confirmed(user=email_address.user)
