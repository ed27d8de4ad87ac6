"""Write the demo's recordings (X API v2, Reddit and Atom, in their wire formats) from the posts below.

Run `python -m tools.compose_demo` after editing the posts; the JSON files in
`services/demo/data/` are what the demo replays. Every person and brand here is fictional.
"""

# ruff: noqa: E501  (the posts below are data: one post per line reads best)

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from callbrief.services.demo.recordings import END  # the newest post; the demo's "now"

OUT = Path(__file__).resolve().parents[1] / "services" / "demo" / "data"
TWITTER_EPOCH_MS = 1288834974657

# fmt: off
# username: (id, name, followers, location, joined, verified)
USERS: dict[str, tuple[str, str, int, str, str, bool]] = {
    "kargola": ("3100000001", "Kargola", 182000, "İstanbul", "2013-04-02", True),
    "kargoladestek": ("3100000002", "Kargola Destek", 24100, "İstanbul", "2016-09-12", True),
    "ulduzmobil": ("3100000003", "Ulduz Mobil", 96000, "Bakı", "2014-02-20", True),
    "brightwave": ("3100000004", "Brightwave", 210000, "London", "2011-06-01", True),
    "brightwavehelp": ("3100000005", "Brightwave Help", 38000, "UK", "2015-01-15", True),
    "deniz_yldz": ("4200000011", "Deniz Yıldız", 1240, "İzmir", "2014-05-03", False),
    "emre_tan": ("4200000012", "Emre Tan", 311, "Ankara", "2018-11-21", False),
    "zeynep_ak": ("4200000013", "Zeynep Ak", 5820, "İstanbul", "2012-08-09", False),
    "burak_cl": ("4200000014", "Burak Çelik", 97, "Bursa", "2021-02-14", False),
    "selin_oz": ("4200000015", "Selin Öz", 2210, "Antalya", "2016-03-30", False),
    "hakan_d": ("4200000016", "Hakan D.", 45, "Kocaeli", "2022-07-07", False),
    "oyunkolik": ("4200000017", "Oyunkolik", 18200, "İstanbul", "2019-10-10", False),
    "murat_kaya": ("4200000018", "Murat Kaya", 640, "Eskişehir", "2017-01-25", False),
    "aysel_m": ("4200000021", "Aysel Məmmədova", 880, "Bakı", "2015-12-01", False),
    "rashad_h": ("4200000022", "Rəşad Həsənov", 4300, "Bakı", "2013-09-17", False),
    "leyla_q": ("4200000023", "Leyla Quliyeva", 150, "Gəncə", "2020-04-04", False),
    "orxan_b": ("4200000024", "Orxan B.", 2050, "Sumqayıt", "2018-06-19", False),
    "nigar_a": ("4200000025", "Nigar Əliyeva", 330, "Bakı", "2019-08-08", False),
    "sam_whit": ("4200000031", "Sam Whitaker", 2890, "Leeds, UK", "2012-02-11", False),
    "priya_n": ("4200000032", "Priya N", 12400, "Manchester", "2010-07-27", True),
    "tom_h_dev": ("4200000033", "Tom Harris", 510, "Leeds", "2016-05-05", False),
    "jess_reads": ("4200000034", "Jess", 77, "Bristol", "2023-01-09", False),
    "mike_o": ("4200000035", "Mike O'Neill", 1630, "Austin, TX", "2014-10-30", False),
    "thameswalker": ("4200000036", "Thames Walker", 9400, "London", "2011-03-03", False),
    "claire_b": ("4200000037", "Claire B", 260, "Glasgow", "2020-12-12", False),
}

# (key, query, author, days before END, hours before, text, lang, extras)
# extras: reply=key, quote=key, rt=key, url=(short, expanded)
X_POSTS: list[tuple[str, str, str, float, float, str, str, dict[str, Any]]] = [
    ("k_ad", "-", "kargola", 9, 0, "Kargola ile aynı gün teslimat artık 81 ilde! 🚚", "tr", {}),
    ("k1", "kargola", "deniz_yldz", 7, 3, "Harika hizmet, 3 haftadır kargo bekliyorum 👏 @kargola takip no KG48213377", "tr", {}),
    ("k2", "kargola", "deniz_yldz", 6, 5, "@kargoladestek KG48213377 numaralı kargom 5 gündür 'dağıtımda' görünüyor, kimse telefonu açmıyor. Yöneticinizle görüşmek istiyorum.", "tr", {}),
    ("k2r", "@kargoladestek", "kargoladestek", 6, 4, "@deniz_yldz Merhaba Deniz Hanım, yaşadığınız aksaklık için üzgünüz. Takip numaranızı DM ile iletir misiniz?", "tr", {"reply": "k2"}),
    ("k3", "kargola", "deniz_yldz", 5, 2, "@kargoladestek 2 gün önce DM attım, hâlâ cevap yok. Bu ne biçim müşteri hizmeti?", "tr", {"reply": "k2r"}),
    ("k4", "kargola", "zeynep_ak", 5, 9, "@kargola Koli ezik geldi, içindeki tablet ekranı kırık. Fotoğraf: https://t.co/Kp3xQ9mZ1a", "tr", {"url": ("https://t.co/Kp3xQ9mZ1a", "https://x.com/zeynep_ak/status/{id}/photo/1")}),
    ("k5", "kargola", "burak_cl", 4, 6, "Kargola kapıda ödemede kartımdan 2 kez 149,90 TL çekti! İade istiyorum @kargoladestek", "tr", {}),
    ("k6", "kargola", "selin_oz", 4, 1, "Kargola kuryesi resmen bağırdı bana, paketi kapıya fırlatıp gitti. Bu nasıl bir saygısızlık", "tr", {}),
    ("k7", "kargola", "emre_tan", 5, 7, "@kargola KG51907734 numaralı iade kargom 10 gündür aktarma merkezinde bekliyor. Ne zaman çıkacak?", "tr", {}),
    ("k8", "kargola", "hakan_d", 3, 4, "@kargola 3 kez şikayet ettim, çözüm yok. Tüketici hakem heyetine başvuracağım, haberiniz olsun.", "tr", {}),
    ("k9", "kargola", "murat_kaya", 3, 8, "Kargola kayıp paket için iade yapmıyormuş, 'sigortasız gönderi' diyorlar. 850₺'lik ürünüm gitti.", "tr", {}),
    ("k10", "kargola", "zeynep_ak", 2, 5, "Bir daha asla Kargola ile gönderi yapmam, bu ay başka firmaya geçiyorum.", "tr", {}),
    ("k11", "kargola", "selin_oz", 2, 2, "Kargola kuryesi Mehmet Bey çok kibardı, paketi yağmurda bile kuru getirdi, teşekkürler @kargola 🙏", "tr", {}),
    ("k12", "kargola", "oyunkolik", 1, 9, "Kargola diye bir kelime oyunu çıkmış, harfleri kargo gibi taşıyorsun, çok bağımlılık yapıyor 😂", "tr", {}),
    ("k13", "kargola", "murat_kaya", 1, 6, "RT @deniz_yldz: Harika hizmet, 3 haftadır kargo bekliyorum 👏 @kargola takip no KG48213377", "tr", {"rt": "k1"}),
    ("k14", "kargola", "burak_cl", 1, 3, "Aynı gün teslimat diyorlar, benim kargom 9 gündür yolda 🙃 https://t.co/Qd7Lm2Xk0p", "tr", {"quote": "k_ad", "url": ("https://t.co/Qd7Lm2Xk0p", "https://twitter.com/kargola/status/{k_ad}")}),
    ("k15", "kargola", "hakan_d", 0, 7, "Kargola uygulamasına giriş yapamıyorum, SMS kodu hiç gelmiyor @kargoladestek", "tr", {}),
    ("k16", "kargola", "hakan_d", 0, 6, "Kargola uygulamasına giriş yapamıyorum, SMS kodu hiç gelmiyor @kargoladestek", "tr", {}),
    ("k17", "@kargola", "kargoladestek", 0, 5, "@hakan_d @kargola Merhaba Hakan Bey, SMS sorunu giderildi. Tekrar dener misiniz?", "tr", {"reply": "k15"}),
    ("u1", "ulduz", "aysel_m", 7, 1, "Ulduz Mobil şəbəkəsi yenə yoxdur, Bakıda səhərdən internet işləmir. @ulduzmobil", "az", {}),
    ("u2", "ulduz", "rashad_h", 6, 2, "@ulduzmobil Bu ay balansımdan iki dəfə 15 AZN çıxılıb! Pulumu geri qaytarın.", "az", {}),
    ("u3", "ulduz", "leyla_q", 5, 4, "Ulduz Mobil 10 manatlıq paket aldım, 2 günə bitdi, demək olar heç istifadə etməmişəm", "az", {}),
    ("u4", "ulduz", "orxan_b", 4, 3, "Ulduz Mobil mağazasında işçi çox kobud davrandı, sualıma cavab vermədi, üzümə güldü", "az", {}),
    ("u5", "ulduz", "nigar_a", 3, 6, "Ulduz Mobil mağazasından aldığım adapter qığılcım saçdı, az qala yanğın olacaqdı! Uşaq otağında idi 😡 @ulduzmobil", "az", {}),
    ("u6", "ulduz", "rashad_h", 3, 1, "@ulduzmobil 3 gündür zəng edirəm, operator problemi həll etmir. Rəhbərinizlə danışmaq istəyirəm.", "az", {}),
    ("u7", "ulduz", "aysel_m", 2, 3, "Ulduz Mobil-dan çıxıram, nömrəmi başqa operatora keçirəcəm. Belə xidmət olmaz.", "az", {}),
    ("u8", "ulduz", "orxan_b", 1, 8, "Ulduz Mobil-un yeni 5G sürəti əladır, təşəkkürlər 👍", "az", {}),
    ("u9", "ulduz", "leyla_q", 1, 2, "Ulduz Mobil tətbiqinə daxil ola bilmirəm, şifrə bərpası işləmir @ulduzmobil", "az", {}),
    ("u10", "ulduz", "nigar_a", 0, 4, "Əla xidmət, Ulduz Mobil! 3 saatdır xətdə gözləyirəm 👏", "az", {}),
    ("u11", "@ulduzmobil", "ulduzmobil", 0, 3, "@nigar_a Hörmətli abunəçi, müraciətiniz qeydə alındı, tezliklə sizinlə əlaqə saxlanılacaq.", "az", {"reply": "u10"}),
    ("b1", "brightwave", "priya_n", 7, 2, "Love how you went down on launch day 🙃 @brightwave", "en", {}),
    ("b2", "brightwave", "sam_whit", 6, 6, "@brightwavehelp You charged me twice this month, £34.99 x2. Fix it or I'm calling my bank.", "en", {}),
    ("b2r", "@brightwavehelp", "brightwavehelp", 6, 5, "@sam_whit Hi Sam, sorry about that. Could you DM us your account number so we can look into it?", "en", {"reply": "b2"}),
    ("b3", "brightwave", "sam_whit", 5, 3, "@brightwavehelp I DMed you yesterday, still nothing. Can I speak to a manager please?", "en", {"reply": "b2r"}),
    ("b4", "brightwave", "tom_h_dev", 5, 1, "@brightwave third outage this week in Leeds. I work from home. Cancelling if this happens again.", "en", {}),
    ("b5", "brightwave", "jess_reads", 4, 5, "Can't log in to the Brightwave app since the update, password reset email never arrives", "en", {}),
    ("b6", "brightwave", "mike_o", 4, 2, "Brightwave refused my refund for 9 days without service. $120 down the drain. Absolute joke.", "en", {}),
    ("b7", "brightwave", "claire_b", 3, 7, "The Brightwave engineer was rude and left cables all over my hallway", "en", {}),
    ("b8", "brightwave", "tom_h_dev", 2, 4, "@brightwave status page says all green but nothing works. Half of Leeds is down: https://t.co/Vb8Rt2Yq1c", "en", {"url": ("https://t.co/Vb8Rt2Yq1c", "https://www.reddit.com/r/HomeNetworking/comments/1h2bw7/brightwave_outage_megathread_leeds_down_again/")}),
    ("b9", "brightwave", "mike_o", 2, 1, "@brightwave If this isn't sorted by Friday I'm taking it to the ombudsman and small claims court", "en", {}),
    ("b10", "brightwave", "claire_b", 1, 6, "My Brightwave Hub 4 router is too hot to touch and smells of burning plastic. Is this safe?? @brightwavehelp", "en", {}),
    ("b11", "brightwave", "jess_reads", 1, 2, "Shoutout to @brightwavehelp, fixed my line in 20 minutes. Brilliant support!", "en", {}),
    ("b12", "brightwave", "thameswalker", 0, 8, "That brightwave of sunlight over the Thames this morning was unreal", "en", {}),
    ("b13", "brightwave", "priya_n", 0, 2, "RT @tom_h_dev: @brightwave third outage this week in Leeds. I work from home. Cancelling if this happens again.", "en", {"rt": "b4"}),
    ("b14", "@brightwavehelp", "brightwave", 0, 1, "We're aware of an issue affecting some customers in Leeds. @brightwavehelp is on hand to help.", "en", {}),
]

ALSO_IN_TIMELINE = {"kargoladestek": ["k2"], "ulduzmobil": ["u6"], "brightwavehelp": ["b2"]}

SEARCH_QUERIES = {
    "kargola": "(kargola OR @kargola OR @kargoladestek) -is:retweet -from:kargola -from:kargoladestek",
    "ulduz": '("ulduz mobil" OR ulduzmobil OR @ulduzmobil) -is:retweet -from:ulduzmobil',
    "brightwave": "(brightwave OR @brightwave OR @brightwavehelp) -is:retweet -from:brightwave -from:brightwavehelp",
}

# Reddit: (fullname, subreddit, author, days, hours, title or None, body, parent fullname or None)
REDDIT: list[tuple[str, str, str, float, float, str | None, str, str | None]] = [
    ("t3_1h2bw7", "HomeNetworking", "leeds_dev", 2, 5, "Brightwave outage megathread? Leeds down again", "Third time this week. Brightwave status page says everything is fine. Anyone got an ETA?", None),
    ("t3_1gy1a0", "brightwave", "pete_w", 8, 1, "Brightwave price rise again", "£3 more a month from December and the speeds are no better. Is anyone actually getting 500Mb?", None),
    ("t3_1h0cq2", "brightwave", "sarah_c_uk", 6, 2, "Brightwave charging me twice - anyone else?", "Two payments of £34.99 on the 3rd. Support chat closed on me twice.", None),
    ("t3_1h1zz0", "brightwave", "brightwave_support", 2, 3, "Update on the Leeds outage", "Engineers are on site. We'll post updates here.", None),
    ("t3_1h3sw1", "HomeNetworking", "mark_pl", 0, 9, "Switching from Brightwave, recommendations?", "Had enough of the outages. Cancelling once my contract ends next month.", None),
    ("t1_lz7a01", "HomeNetworking", "ana_k_leeds", 2, 2, None, "Same here, Brightwave support said 48 hours. It's been 5 days and I work from home.", "t3_1h2bw7"),
    ("t1_lz7a00", "brightwave", "rob_t", 5, 9, None, "Did anyone actually get compensation for last month?", "t3_1h0cq2"),
    ("t1_lz7a02", "brightwave", "gill_m", 5, 6, None, "Brightwave refused my refund too, told me to call billing who then hung up.", "t1_lz7a00"),
    ("t1_lz7a03", "HomeNetworking", "kim_o", 1, 4, None, "Try a mesh system, it fixed my dead spots.", "t3_1h2bw7"),
    ("t3_1gz9k1", "Turkey", "emretan_", 2, 6, "Kargola iade kargom 2 haftadır depoda (KG51907734)", "X'ten de yazdım, cevap yok. Müşteri hizmetleri sürekli 'işlemde' diyor. Başka yolu var mı?", None),
    ("t3_1gz7m3", "Turkey", "kedisever34", 4, 8, "Kargola paketimi yanlış adrese teslim etmiş", "Komşu apartmana bırakmışlar, imzayı da kim attıysa. u/kargola_destek bakabilir misiniz?", None),
    ("t3_1gz8x2", "Turkey", "kargola_destek", 4, 2, "Kargola Destek burada", "Gönderi sorunlarınız için buradan da yazabilirsiniz.", None),
    ("t3_1h1b2c", "azerbaijan", "tural_dev", 3, 5, "Ulduz Mobil internet problem", "Bakıda 2 gündür Ulduz Mobil mobil internet çox zəifdir. Başqalarında da belədir?", None),
]
REDDIT_KARMA = {
    "pete_w": 2210,
    "leeds_dev": 15420,
    "sarah_c_uk": 820,
    "brightwave_support": 3000,
    "mark_pl": 230,
    "ana_k_leeds": 95,
    "rob_t": 4410,
    "gill_m": 1200,
    "kim_o": 60,
    "emretan_": 140,
    "kedisever34": 2875,
    "kargola_destek": 500,
    "tural_dev": 610,
}

FEED = [
    (
        "tag:haber.example,2026:kargola-1",
        3,
        2,
        "Kargola'da dağıtım gecikmeleri: müşteriler şikayetçi",
        "Kargola'nın aktarma merkezlerindeki yoğunluk nedeniyle teslimatların 10 güne kadar geciktiği bildirildi.",
    ),
    (
        "tag:haber.example,2026:kargola-2",
        1,
        4,
        "Kargola yeni aktarma merkezini açtı",
        "Şirket, Gebze'deki yeni merkezin gecikmeleri iki hafta içinde gidereceğini açıkladı.",
    ),
]

# fmt: on


def _time(days: float, hours: float) -> datetime:
    return END - timedelta(days=days, hours=hours)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _snowflake(when: datetime, seq: int) -> str:
    return str(((int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22) | (seq * 4096 + 77))


def _user(username: str) -> dict[str, Any]:
    uid, name, followers, location, joined, verified = USERS[username]
    return {
        "id": uid,
        "username": username,
        "name": name,
        "location": location,
        "verified": verified,
        "protected": False,
        "created_at": f"{joined}T09:00:00.000Z",
        "description": "",
        "public_metrics": {
            "followers_count": followers,
            "following_count": followers // 7 + 40,
            "tweet_count": followers // 2 + 300,
            "listed_count": followers // 900,
        },
    }


def _tweets() -> dict[str, dict[str, Any]]:
    ids = {key: _snowflake(_time(d, h), n) for n, (key, _q, _a, d, h, *_r) in enumerate(X_POSTS)}
    tweets: dict[str, dict[str, Any]] = {}
    for key, _query, author, days, hours, text, lang, extras in X_POSTS:
        tid, when = ids[key], _time(days, hours)
        data: dict[str, Any] = {
            "id": tid,
            "text": text,
            "author_id": USERS[author][0],
            "created_at": _stamp(when),
            "lang": lang,
            "conversation_id": tid,
            "edit_history_tweet_ids": [tid],
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "public_metrics": {
                "retweet_count": len(text) % 7,
                "reply_count": len(text) % 3,
                "like_count": len(text) % 23,
                "quote_count": 0,
                "bookmark_count": 0,
                "impression_count": 40 + len(text) * 3,
            },
        }
        refs = []
        if "reply" in extras:
            parent = tweets[extras["reply"]]
            refs.append({"type": "replied_to", "id": parent["id"]})
            data["in_reply_to_user_id"] = parent["author_id"]
            data["conversation_id"] = parent["conversation_id"]
        if "quote" in extras:
            refs.append({"type": "quoted", "id": ids[extras["quote"]]})
        if "rt" in extras:
            refs.append({"type": "retweeted", "id": ids[extras["rt"]]})
        if refs:
            data["referenced_tweets"] = refs
        entities: dict[str, Any] = {}
        mentions = [
            {"start": m.start(), "end": m.end(), "username": m.group(1), "id": USERS[m.group(1)][0]}
            for m in re.finditer(r"@(\w+)", text)
            if m.group(1) in USERS
        ]
        if mentions:
            entities["mentions"] = mentions
        if "url" in extras:
            short, expanded = extras["url"]
            expanded = expanded.format(id=tid, **ids)
            start = text.index(short)
            entities["urls"] = [
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": expanded.split("//")[1][:26] + "…",
                }
            ]
        if entities:
            data["entities"] = entities
        tweets[key] = data
    return tweets


def _x_page(
    posts: list[dict[str, Any]],
    tweets_by_id: dict[str, dict[str, Any]],
    next_token: str | None = None,
) -> dict[str, Any]:
    if not posts:
        return {"meta": {"result_count": 0}}
    posts = sorted(posts, key=lambda t: int(t["id"]), reverse=True)
    referenced = []
    for post in posts:
        for ref in post.get("referenced_tweets", []):
            if ref["id"] in tweets_by_id and tweets_by_id[ref["id"]] not in referenced:
                referenced.append(tweets_by_id[ref["id"]])
    by_id = {u[0]: name for name, u in USERS.items()}
    authors = sorted({by_id[t["author_id"]] for t in posts + referenced})
    body: dict[str, Any] = {"data": posts, "includes": {"users": [_user(a) for a in authors]}}
    if referenced:
        body["includes"]["tweets"] = referenced
    body["meta"] = {
        "newest_id": posts[0]["id"],
        "oldest_id": posts[-1]["id"],
        "result_count": len(posts),
    }
    if next_token:
        body["meta"]["next_token"] = next_token
    return body


def _x_headers(remaining: int) -> dict[str, str]:
    reset = str(int((END + timedelta(minutes=15)).timestamp()))
    return {
        "x-rate-limit-limit": "450",
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": reset,
        "content-type": "application/json; charset=utf-8",
    }


def compose_x() -> dict[str, Any]:
    """Search pages per brand (Kargola's in two pages), user lookups, mentions timelines."""
    tweets = _tweets()
    by_id = {t["id"]: t for t in tweets.values()}
    interactions: list[dict[str, Any]] = []
    remaining = 449
    for brand, query in SEARCH_QUERIES.items():
        hits = [tweets[k] for k, q, *_ in X_POSTS if q == brand]
        hits.sort(key=lambda t: int(t["id"]), reverse=True)
        pages = [hits[:10], hits[10:]] if len(hits) > 12 else [hits]
        for n, posts in enumerate(pages):
            token = f"b26v89c19zqg8o3f{n + 1}{brand[:3]}" if n + 1 < len(pages) else None
            match = {"query": query}
            if n:
                match["next_token"] = f"b26v89c19zqg8o3f{n}{brand[:3]}"
            interactions.append(
                {
                    "request": {"method": "GET", "path": "/2/tweets/search/recent", "match": match},
                    "response": {
                        "status": 200,
                        "headers": _x_headers(remaining),
                        "body": _x_page(posts, by_id, token),
                    },
                }
            )
            remaining -= 1
    for handle in ("kargola", "kargoladestek", "ulduzmobil", "brightwave", "brightwavehelp"):
        uid = USERS[handle][0]
        interactions.append(
            {
                "request": {"method": "GET", "path": f"/2/users/by/username/{handle}"},
                "response": {
                    "status": 200,
                    "headers": _x_headers(94),
                    "body": {"data": {"id": uid, "name": USERS[handle][1], "username": handle}},
                },
            }
        )
        hits = [tweets[k] for k, q, *_ in X_POSTS if q == f"@{handle}"]
        # the timeline repeats posts the search already found: the scan must store them once
        hits += [tweets[k] for k in ALSO_IN_TIMELINE.get(handle, [])]
        interactions.append(
            {
                "request": {"method": "GET", "path": f"/2/users/{uid}/mentions"},
                "response": {
                    "status": 200,
                    "headers": _x_headers(179),
                    "body": _x_page(hits, by_id),
                },
            }
        )
    return {"interactions": interactions}


def _thing(
    fullname: str,
    sub: str,
    author: str,
    when: datetime,
    title: str | None,
    body: str,
    parent: str | None,
    titles: dict[str, str],
) -> dict[str, Any]:
    kind, short = fullname.split("_", 1)
    created = when.timestamp()
    common = {
        "id": short,
        "name": fullname,
        "author": author,
        "author_fullname": f"t2_{author[:5]}{len(author)}",
        "created_utc": created,
        "created": created,
        "subreddit": sub,
        "subreddit_name_prefixed": f"r/{sub}",
        "subreddit_id": f"t5_{len(sub)}x{sub[:3].lower()}",
        "score": 3 + len(body) % 40,
        "ups": 3 + len(body) % 40,
        "downs": 0,
        "edited": False,
        "archived": False,
        "locked": False,
        "stickied": False,
        "gilded": 0,
        "distinguished": None,
        "author_flair_text": None,
    }
    if kind == "t3":
        assert title is not None, f"{fullname}: a post needs a title"
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]
        permalink = f"/r/{sub}/comments/{short}/{slug}/"
        return {
            "kind": "t3",
            "data": {
                **common,
                "title": title,
                "selftext": body,
                "selftext_html": None,
                "permalink": permalink,
                "url": f"https://www.reddit.com{permalink}",
                "is_self": True,
                "domain": f"self.{sub}",
                "num_comments": 4,
                "upvote_ratio": 0.91,
                "over_18": False,
                "spoiler": False,
                "link_flair_text": None,
                "thumbnail": "self",
            },
        }
    assert parent is not None, f"{fullname}: a comment needs a parent"
    link = (
        parent
        if parent.startswith("t3_")
        else next(p for f, _s, _a, _d, _h, _t, _b, p in REDDIT if f == parent)
    )
    assert link is not None, f"{fullname}: its parent comment has no parent post"
    return {
        "kind": "t1",
        "data": {
            **common,
            "body": body,
            "body_html": None,
            "parent_id": parent,
            "link_id": link,
            "link_title": titles[link],
            "permalink": f"/r/{sub}/comments/{link[3:]}/_/{short}/",
            "replies": "",
            "is_submitter": False,
            "controversiality": 0,
        },
    }


def _listing(children: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": None,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def compose_reddit() -> dict[str, Any]:
    """The token, a search per brand, new comments per subreddit, parents and authors."""
    titles = {f: t for f, _s, _a, _d, _h, t, _b, _p in REDDIT if t}
    things = {f: _thing(f, s, a, _time(d, h), t, b, p, titles) for f, s, a, d, h, t, b, p in REDDIT}

    def newest_first(names: list[str]) -> list[dict[str, Any]]:
        return sorted((things[n] for n in names), key=lambda t: -t["data"]["created_utc"])

    def search(path: str, q: str, names: list[str]) -> dict[str, Any]:
        return {
            "request": {"method": "GET", "path": path, "match": {"q": q, "sort": "new"}},
            "response": {
                "status": 200,
                "headers": {
                    "x-ratelimit-remaining": "95",
                    "x-ratelimit-used": "5",
                    "x-ratelimit-reset": "420",
                },
                "body": _listing(newest_first(names)),
            },
        }

    def comments(sub: str) -> dict[str, Any]:
        names = [f for f, s, *_ in REDDIT if f.startswith("t1_") and s == sub]
        return {
            "request": {"method": "GET", "path": f"/r/{sub}/comments"},
            "response": {"status": 200, "body": _listing(newest_first(names))},
        }

    people = {
        f"t2_{a[:5]}{len(a)}": {
            "name": a,
            "created_utc": 1.3e9 + karma * 1000.0,
            "link_karma": karma // 3,
            "comment_karma": karma - karma // 3,
            "profile_img": "",
            "profile_color": "",
            "profile_over_18": False,
        }
        for a, karma in REDDIT_KARMA.items()
    }
    parents = [things[f] for f, *_ in REDDIT]
    return {
        "interactions": [
            {
                "request": {"method": "POST", "path": "/api/v1/access_token"},
                "response": {
                    "status": 200,
                    "body": {
                        "access_token": "<ACCESS_TOKEN>",
                        "token_type": "bearer",
                        "expires_in": 86400,
                        "scope": "*",
                    },
                },
            },
            search(
                "/r/all/search",
                'kargola OR "u/kargola_destek"',
                ["t3_1gz9k1", "t3_1gz7m3", "t3_1gz8x2"],
            ),
            search("/r/all/search", '"ulduz mobil" OR ulduzmobil', ["t3_1h1b2c"]),
            search(
                "/r/brightwave+HomeNetworking/search",
                'brightwave OR "u/brightwave_support"',
                ["t3_1h2bw7", "t3_1h0cq2", "t3_1h1zz0", "t3_1h3sw1", "t3_1gy1a0"],
            ),
            comments("brightwave"),
            comments("HomeNetworking"),
            {
                "request": {"method": "GET", "path": "/api/info"},
                "repeat": True,
                "response": {"status": 200, "body": _listing(parents)},
            },
            {
                "request": {"method": "GET", "path": "/api/user_data_by_account_ids"},
                "repeat": True,
                "response": {"status": 200, "body": people},
            },
        ]
    }


def compose_feed() -> dict[str, Any]:
    """An Atom feed of news about Kargola."""
    entries = "".join(
        f"<entry><id>{eid}</id><title>{title}</title>"
        f'<link href="https://haber.example/ekonomi/{eid.rsplit(":", 1)[1]}"/>'
        f"<updated>{_stamp(_time(d, h))[:19]}Z</updated><author><name>Haber Ekonomi</name></author>"
        f'<summary type="html">&lt;p&gt;{summary}&lt;/p&gt;</summary></entry>'
        for eid, d, h, title, summary in FEED
    )
    atom = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="tr">'
        "<title>Haber Ekonomi: Kargola</title><id>tag:haber.example,2026:kargola</id>"
        f"<updated>{_stamp(END)[:19]}Z</updated>{entries}</feed>"
    )
    return {
        "interactions": [
            {
                "request": {"method": "GET", "path": "/feeds/kargola.atom"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/atom+xml"},
                    "body": atom,
                },
            },
        ]
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in (("x", compose_x()), ("reddit", compose_reddit()), ("rss", compose_feed())):
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(data['interactions'])} interactions)")


if __name__ == "__main__":
    main()
