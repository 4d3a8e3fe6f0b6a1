"""StreamField blocks shared by every page type, grouped by purpose."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, label=_("Link text"))

    class Meta:
        icon = "doc-full"
        label = _("Download")
        template = "cms/blocks/document.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "cms/blocks/question_answer.html"


def paragraph_block() -> blocks.RichTextBlock:
    return blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Paragraph"), template="cms/blocks/paragraph.html"
    )


def body_blocks() -> list[tuple[str, blocks.Block]]:
    """The general-purpose body used by standard, project and publication pages."""
    return [
        ("heading", HeadingBlock()),
        ("paragraph", paragraph_block()),
        ("image", FigureBlock()),
        ("quote", QuoteBlock()),
        ("document", DocumentLinkBlock()),
    ]


def interview_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("question_answer", QuestionAnswerBlock()),
        ("heading", HeadingBlock()),
        ("paragraph", paragraph_block()),
        ("quote", QuoteBlock()),
        ("image", FigureBlock()),
    ]
