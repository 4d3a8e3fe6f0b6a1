from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_query(context, name: str, value: str) -> str:
    """The current query string with facet ``name`` toggled to ``value`` and paging reset."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if query.get(name) == value:
        query.pop(name, None)
    else:
        query[name] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def facet_selected(context, name: str, value: str) -> bool:
    return context["request"].GET.get(name) == value
