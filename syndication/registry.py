"""Which models partners see, under which resource names."""

from functools import cache

from django.apps import apps

MODELS = {
    "projects": "projects.ProjectPage",
    "publications": "publications.PublicationPage",
    "interviews": "publications.InterviewPage",
    "districts": "districts.DistrictPage",
    "people": "directory.Person",
    "organisations": "directory.Organisation",
    "topics": "directory.Topic",
    "series": "publications.PublicationSeries",
}


@cache
def resources() -> dict[type, str]:
    """Model class → resource name."""
    return {apps.get_model(label): name for name, label in MODELS.items()}


def resource_for(obj_or_model) -> str | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return resources().get(model)
