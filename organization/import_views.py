from django.http import Http404


def roster_import_new(request):
    raise Http404


def roster_import_detail(request, import_id):
    raise Http404


def roster_import_progress(request, import_id):
    raise Http404
