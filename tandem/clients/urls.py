"""Account management pages, mounted under ``/clients/``. Routes naming one object use
the ``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import include, path

from tandem.clients.views import (
    accounts,
    contacts,
    feedback,
    follow_ups,
    inquiries_detail,
    interactions,
    lists,
)
from tandem.clients.views.attention import attention

app_name = "clients"
urlpatterns = [
    # Lists (each also exports: ?format=csv / xlsx), the inquiry queue, needs attention
    path("accounts/", lists.account_list, name="account_list"),
    path("accounts/reassign/", lists.account_reassign, name="account_reassign"),
    path("contacts/", lists.contact_list, name="contact_list"),
    path("interactions/", lists.interaction_list, name="interaction_list"),
    path("inquiries/", lists.inquiry_queue, name="inquiry_queue"),
    path("attention/", attention, name="attention"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow_up_list"),
    # Accounts and the 360° page
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:account_id>/", accounts.account_detail, name="account_detail"),
    path("accounts/<int:account_id>/edit/", accounts.account_edit, name="account_edit"),
    path("accounts/<int:account_id>/lifecycle/", accounts.account_lifecycle, name="account_lifecycle"),
    path("accounts/<int:account_id>/delete/", accounts.account_delete, name="account_delete"),
    path("accounts/<int:account_id>/profile/", accounts.account_profile, name="account_profile"),
    path("accounts/<int:account_id>/timeline/", accounts.account_timeline, name="account_timeline"),
    # Needs, goals and challenges
    path("accounts/<int:account_id>/items/new/", accounts.account_item_create, name="account_item_create"),
    path("items/<int:account_item_id>/edit/", accounts.account_item_edit, name="account_item_edit"),
    path("items/<int:account_item_id>/status/", accounts.account_item_status, name="account_item_status"),
    path("items/<int:account_item_id>/delete/", accounts.account_item_delete, name="account_item_delete"),
    # Interactions and follow-ups
    path("accounts/<int:account_id>/interactions/new/", interactions.interaction_create, name="interaction_create"),
    path("interactions/<int:interaction_id>/edit/", interactions.interaction_edit, name="interaction_edit"),
    path("interactions/<int:interaction_id>/delete/", interactions.interaction_delete, name="interaction_delete"),
    path("follow-ups/<int:follow_up_id>/done/", interactions.follow_up_done, name="follow_up_done"),
    path("follow-ups/<int:follow_up_id>/reopen/", interactions.follow_up_reopen, name="follow_up_reopen"),
    # Contacts
    path("accounts/<int:account_id>/contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_id>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<int:contact_id>/move/", contacts.contact_move, name="contact_move"),
    # Feedback
    path("accounts/<int:account_id>/feedback/new/", feedback.feedback_create, name="feedback_create"),
    path("feedback/<int:feedback_id>/edit/", feedback.feedback_edit, name="feedback_edit"),
    path("feedback/<int:feedback_id>/delete/", feedback.feedback_delete, name="feedback_delete"),
    # Inquiries
    path("accounts/<int:account_id>/inquiries/new/", inquiries_detail.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:inquiry_id>/", inquiries_detail.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:inquiry_id>/respond/", inquiries_detail.inquiry_respond, name="inquiry_respond"),
    path("inquiries/<int:inquiry_id>/assign/", inquiries_detail.inquiry_assign, name="inquiry_assign"),
    path("inquiries/<int:inquiry_id>/resolve/", inquiries_detail.inquiry_resolve, name="inquiry_resolve"),
    path("inquiries/<int:inquiry_id>/reopen/", inquiries_detail.inquiry_reopen, name="inquiry_reopen"),
    # Settings: service levels (SLA and cadence rules), edited in place by administrators
    path("settings/service-levels/", include("tandem.clients.views.settings")),
]
