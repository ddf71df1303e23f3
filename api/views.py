"""The API keys page. The API itself is api/api.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from api.forms import ApiKeyForm
from api.selectors import api_key_get, api_keys_for_page
from api.services import api_key_create, api_key_revoke
from confidentiality import policy


@login_required
def api_keys(request):
    """List the keys and make one. A new key is shown in this answer only."""
    policy.require(policy.may_manage_api_keys(request.user))
    form = ApiKeyForm(request.POST or None)
    created = plaintext = None
    if request.method == "POST" and form.is_valid():
        try:
            created, plaintext = api_key_create(
                source=form.cleaned_data["source"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("source", error.messages[0])
        else:
            form = ApiKeyForm()
    return render(
        request,
        "api/api_keys.html",
        {
            "form": form,
            "keys": api_keys_for_page(request.user),
            "created": created,
            "plaintext": plaintext,
        },
    )


@login_required
@require_POST
def api_key_revoke_view(request, key_id: int):
    policy.require(policy.may_manage_api_keys(request.user))
    api_key = api_key_get(request.user, key_id)
    try:
        api_key_revoke(actor=request.user, api_key=api_key)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"The key al_{api_key.prefix}… for {api_key.source} is revoked: calls "
            "with it are refused from now on.",
        )
    return redirect("api_keys")
