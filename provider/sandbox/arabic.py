"""The sandbox's Arabic names, answered for `lang=ar` (hstockplus-api.md, later additions):
the well-known services, every category and subcategory it knows. Anything else (filler
services) keeps its English name, as the real upstream does where it has no translation."""

from provider.sandbox.catalog import (
    GMAIL_USA,
    INSTAGRAM_COMMENTS,
    INSTAGRAM_FOLLOWERS,
    INSTAGRAM_LIKES,
    NETFLIX_PREMIUM,
    OUTLOOK,
    TELEGRAM_MEMBERS,
    TIKTOK_VIEWS,
    TWITTER_AGED,
)

SERVICES: dict[int, str] = {
    INSTAGRAM_FOLLOWERS: "متابعين إنستغرام",
    INSTAGRAM_LIKES: "إعجابات إنستغرام",
    INSTAGRAM_COMMENTS: "تعليقات إنستغرام",
    GMAIL_USA: "حساب جيميل - الولايات المتحدة",
    OUTLOOK: "حساب أوتلوك",
    NETFLIX_PREMIUM: "نتفليكس بريميوم لمدة شهر",
    TELEGRAM_MEMBERS: "أعضاء قناة تيليجرام",
    TIKTOK_VIEWS: "مشاهدات تيك توك",
    TWITTER_AGED: "حساب تويتر (قديم)",
}

NAMES: dict[str, str] = {
    # categories
    "Instagram": "إنستغرام",
    "TikTok": "تيك توك",
    "YouTube": "يوتيوب",
    "Telegram": "تيليجرام",
    "Twitter": "تويتر",
    "Facebook": "فيسبوك",
    "Spotify": "سبوتيفاي",
    "Accounts-Email": "حسابات البريد الإلكتروني",
    "Accounts-Streaming": "حسابات البث",
    "Accounts-Social": "حسابات التواصل الاجتماعي",
    # subcategories
    "Followers": "متابعين",
    "Likes": "إعجابات",
    "Comments": "تعليقات",
    "Views": "مشاهدات",
    "Story Views": "مشاهدات القصص",
    "Shares": "مشاركات",
    "Subscribers": "مشتركين",
    "Watch Hours": "ساعات المشاهدة",
    "Members": "أعضاء",
    "Post Views": "مشاهدات المنشورات",
    "Reactions": "تفاعلات",
    "Retweets": "إعادة التغريد",
    "Page Likes": "إعجابات الصفحة",
    "Post Likes": "إعجابات المنشورات",
    "Plays": "مرات التشغيل",
    "Gmail": "جيميل",
    "Outlook": "أوتلوك",
    "Netflix": "نتفليكس",
}


def wants_arabic(lang: str) -> bool:
    return lang.strip() == "ar"


def name(text: str) -> str:
    return NAMES.get(text, text)
