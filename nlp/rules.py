"""Multilingual lexicon cues: negative/positive words, failures, politeness and irony markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.nlp.taxonomy import Taxonomy, compile_keywords
from callbrief.nlp.text import MENTION_RE, fold_any

LEXICON_PATH = Path(__file__).with_name("lexicons.yaml")
# Turkish/Azerbaijani negated verbs: gel-medi, çalış-mıyor, gəl-məyib, işlə-mir (folded forms).
NEGATED_VERB_RE = re.compile(
    # nouns that end like a negated verb name no failure: "demir" (iron), "İzmir", "yağmur"
    # (rain), "çamur", "hamur", "kömür", "komedi" (comedy), with their suffixes
    r"(?<!\w)(?!(?:demir|izmir|emir|yagmur|camur|hamur|komur|samur|zamir|timur|komedi)\w{0,6}(?!\w))"
    r"\w{2,}(?:madi|medi|miyor|muyor|mamis|memis|mayacak|meyecek|mayib|meyib|mir|mur|"
    r"madim|medim|mayan|meyen|mamak|memek)(?:\w{0,6})(?!\w)"
    # "tadını kaçırmayacak şekilde": "in a way that does not spoil it" names no failure
    r"(?!\s+(?:sekilde|bicimde))"
)

# "sorunsuz", "problemsiz", "arızasız": a problem word with -suz/-siz means "without a problem"
WITHOUT_PROBLEM_RE = re.compile(
    r"(?<!\w)(?:sorun|problem|sikinti|hata|ariza|dert|nasaz|eksik|kusur|hasar|xeta)"
    r"(?:s[iu]z|s[iu]zca|siz)(?!\w)"
    # "eksik olmayın" (thank you), "Allah eksik etmesin": a blessing, nothing is missing
    r"|(?<!\w)(?:eksik|eskik)\s+(?:olmayin|olmasin|etmesin|olmayasiniz|olmayasiz)(?!\w)"
)

# A problem denied: "hiç sorun yaşamadım", "hiçbir sorunu yok", "heç bir problem olmadı", "no
# issues at all", "never had a problem", and the idioms of praise "diyecek bir şey yok" (nothing to
# add), "sözüm yoxdur": a review's praise, not a failure (folded text; blanked before counting)
NO_PROBLEM_RE = re.compile(
    r"(?<!\w)(?:sorun|problem|sikinti|ariza|hata|xeta|nasazliq|sakinca|surundurme|lengime)"
    r"\w{0,5}\s+"
    r"(?:(?:hic|hec|hicbir|hecbir|hicbirini|bir|de|da|daha|henuz|hele|ile|burada|burda)\s+){0,2}"
    # "hiçbir sorunla karşılaşmadık", "sorun yaşamamıştım", "eminim sorun yaşamayacağım"
    r"(?:karsilasmad\w*|karsilasmam\w*|rastlamad\w*|yasamamis\w*|yasamayacag\w*|yasamayacam|"
    r"yok|yoktu|yoktur|yoxdur|yox|idi\s+yox|olmadi|olmamis|olmayib|olmur|cikmadi|cikarmadi|cixmadi|"
    r"yasamadim|yasamadik|yasatmadi|yasanmadi|yasamiyorum|yasamadan|yasamadiq|yasamamisiq|"
    r"yasamamisam)(?!\w)"
    r"|(?<!\w)(?:no|never\s+(?:had|have|has|got)\s+(?:an?|any)|never\s+an?|without\s+(?:an?|any)|"
    r"(?:had|have|has|got)\s+no|not\s+(?:a\s+single|one|any)|zero)\s+"
    r"(?:\w+\s+)?(?:problems?|issues?|complaints?|faults?|hiccups?|hassle)(?!\w)"
    r"(?!\s+(?:with|about|from)\s+(?:you|your|the\s+(?:refund|service)))"
    r"|(?<!\w)(?:diyecek|soyleyecek|deyecek|deyilesi)\s+(?:bir\s+)?(?:sey|bisey|soz|sozum)\s+"
    r"(?:yok|yoxdur|yox)(?!\w)"
    r"|(?<!\w)(?:sozum|sozumuz)\s+(?:yok|yoxdur)(?!\w)"
    # "anlatmaya gerek yok" (no need to say more), "hiç zorluk çekmiyor" (has no trouble)
    r"|(?<!\w)(?:gerek|luzum|ihtiyac|ehtiyac)\s+(?:yok|yoktur|yoxdur|yox)(?!\w)"
    # "sabırsızlıkla bekliyoruz" (we can't wait), "səbirsizliklə gözləyirik": eager, not kept
    # waiting
    r"|(?<!\w)(?:sabirsizlikla|heyecanla|merakla|dort gozle|sebirsizlikle|hevesle)\s+"
    r"(?:\w+\s+)?(?:bekl|gozle)\w*"
    # a complaint's verb negated: "uğraştırmadınız" (no trouble), "yanıltmadı" (did not mislead),
    # "yanılmadım" (I was not wrong), "pişman olmayacaksınız", "hayal kırıklığına uğratmadı"
    r"|(?<!\w)(?:ugrastirma|yaniltma|yanilma)d\w*"
    r"|(?<!\w)pisman\s+(?:olmad|olmayacak|olmazs|etmed)\w*"
    r"|(?<!\w)hayal\s+kirikligina\s+ugratmad\w*"
    # "sesi biraz fazla ama sorun değil" (but that is no problem), "problem deyil"
    r"|(?<!\w)(?:sorun|problem|dert|sikinti)\s+(?:degil|deyil)(?!\w)"
    r"|(?<!\w)(?:zorluk|gucluk|zahmet|eziyyet|cetinlik)\w{0,4}\s+(?:hic\s+|hec\s+)?"
    r"cek(?:miyor|medim|medik|medi|mez|meden|mir|memis)\w{0,5}(?!\w)"
)

# No charge taken is good news, not a failure: "garantide olduğu için ücret de almadı", "usta
# heç bir pul almadı" (folded text; the firm's forms only: "paramı almadım" is money not received)
NO_CHARGE_RE = re.compile(
    r"(?<!\w)(?:ucret|masraf|para|pul|haqq|odenis|xerc)(?:i|ni|ini)?\s+"
    r"(?:(?:de|da|hic|hec|hicbir|hecbir|bir|bizden|benden|menden)\s+){0,2}"
    r"(?:almadi|almadilar|almadiniz|istemedi|istemediler|istemediniz|tutmadi|tutmadilar)(?!\w)"
)
# Words that look like a failure and report none (folded text): "bozuk para" (small change),
# "komşuya bırakılabilir mi?" (may it be left with a neighbour?), "evde olmayacağım" (I won't be
# in), "bilet almamışam" (I haven't bought one yet), "hələ ki" (so far). "Bilmiyorum" stays:
# "ne yapacağımı bilmiyorum" is a customer at a loss.
NOT_A_FAILURE_RE = re.compile(
    r"(?<!\w)bozuk\s+para\w*"
    r"|(?<!\w)\w+\s+\w+[ae]bil\w*\s+m[iu]\w*(?!\w)"
    r"|(?<!\w)(?:olmayacagim|olmayacagam|olmayacam)(?!\w)"
    r"|(?<!\w)hele\s*ki(?!\w)"  # "hələ ki hər şey əladır": so far, not "still"
    # not bought or ordered yet; "pulumu almamışam" (money not received) stays a failure
    r"|(?<!\w)(?:(?:hele|henuz)\s+)?(?:bilet|bileti|sifaris|sifarisi|siparis|siparisi)\s+"
    r"(?:hele\s+|henuz\s+)?"
    r"(?:almamisam|almamistim|vermemisem|vermemistim)(?!\w)"
)
# An insurance claim's payment or file named by its damage ("hasar ödemem hesabıma geçti", "zərər
# ödənişi"): the word names the claim, not damage done (folded text; read by the put-right rule)
CLAIM_PAYMENT_RE = re.compile(
    r"(?<!\w)(?:hasar|zerer)\s+(?:odeme\w*|odenis\w*|bedel\w*|tazminat\w*|dosya\w*|kompensasiya\w*)"
)
# "Hayatımda hiç bu kadar kaliteli bir film izlemedim", "belə xidmət görməmişdim": never seen
# such a thing is praise unless an angry word says otherwise (which counts on its own); the
# negated verb names no failure (folded text; blanked before counting)
NEVER_SEEN_SUCH_RE = re.compile(
    r"(?<!\w)(?:bu\s+kadar|boyle|bu\s+denli|bele|bu\s+qeder)\s+(?:\w+\s+){0,5}?"
    r"(?:gor|izle|ye|oku|rastla|kullan|ic|al)(?:medim|madim|memistim|mamistim|memisdim|mamisdim|"
    r"medik|madik|memisem|mamisam)(?!\w)"
)

# "I want my $1,299 back", "250 TL'mi geri verin": an amount the customer wants back (folded text)
_AMOUNT = (
    r"(?:[$€£₺]\s?\d[\d.,]*|\d[\d.,]*\s?(?:[$€£₺]|tl|azn|manat|usd|eur|gbp|dollars?|pounds?|lira))"
)
AMOUNT_RE = re.compile(rf"(?<![\w.,]){_AMOUNT}(?!\w)")
REFUND_AMOUNT_RE = re.compile(
    rf"(?<!\w)my\s+{_AMOUNT}\s+back(?!\w)|{_AMOUNT}'?(?:imi|umu|mi|mu)\s+(?:geri|qaytar)"
)
# "2 kez 149 TL çekti", "iki dəfə 15 AZN çıxılıb": taken twice, with the amount in between
DOUBLE_CHARGE_RE = re.compile(
    r"(?<!\w)(?:iki|2|uc|3)\s+(?:kez|kere|defa|sefer|defe)(?:\s+\S+){0,3}?\s+"
    r"(?:cek|kes|cix)\w*"
)
# Clause boundaries: punctuation and the contrast words that start a new statement (folded text).
CLAUSE_RE = re.compile(r"[,.;:!?\n]+|\s(?:ama|fakat|ancak|amma|lakin|ancaq|but|though)\s")
# Praise negated: "memnun değilim", "iyi olmadı", "memnun qalmadım" (after the word, folded) and
# "not happy", "never helpful", "not the best" (before it): a complaint, not praise.
NEGATION_AFTER_PRAISE_RE = re.compile(r"\w*\s+(?:degil|deyil|kalmad|qalmad|olmad|olmuyor|olmur)")
NEGATION_BEFORE_PRAISE_RE = re.compile(
    r"(?:\bnot|n't|\bnever)\s+(?:(?:very|so|too|that|the|really|at all)\s+)?$"
    r"|\bno\s+$"  # "Return it at my own cost? No thanks": a refusal, not gratitude
)
# An angry word negated: "kötü değil", "pis deyil" (after it), "not bad", "wasn't awful" (right
# before it): faint praise, not a grievance (folded text)
# "pişman olmayacaksınız" (you won't regret it), "şikayet etmedim": the angry word negated by
# its verb
NEGATION_AFTER_NEGATIVE_RE = re.compile(
    r"\w*\s+(?:degil|deyil|olmadim|olmadik|olmazsiniz|olmayacaksiniz|olmayacaksin|etmedim|etmedi)"
    r"(?!\w)"
)
NEGATION_BEFORE_NEGATIVE_RE = re.compile(r"(?:\bnot|n't)\s+(?:(?:that|too|so|as|all)\s+)?$")
# A fix that has not happened: negated, promised, hoped for ("not fixed", "would be refunded",
# "still waiting to be sorted"), looked at in the words just before a put-right cue (folded).
NOT_DONE_RE = re.compile(
    r"(?:\bnot|n't|\bnever|\bnobody|\bno one|\byet|\bstill|\bwould|\bwill|\bshould|\bsupposed"
    r"|\bpromised|\bif|\bwhen|\bonce|\bgonna|\bto get|\bhasnt|\bhavent|\bwasnt|\bdidnt"
    r"|\bisnt|\barent|\bwant|\bneed|\bdemand|\bexpect|\basking|\bhope|\bplease|\bcan you"
    r"|\bcould you|\bwho can|\bbe|\bbetter|\bsee|\bmust|\bneeds? to|\bhas to|\bhave to)"
    r"\W+(?:\w+\W+){0,2}$"
)
# The thing fixed, named by what had gone wrong with it, right after the fix: "delivered my
# delayed bag", "found our lost luggage" (folded text): the failure is the past the fix ends
FIXED_OBJECT_RE = re.compile(
    r"^\s*(?:my|our|the|his|her)\s+(?:delayed|lost|missing|misdelivered|damaged|broken|wrong|"
    r"cancelled|canceled|stuck|blocked|late|frozen|faulty)(?!\w)"
)
# "so much for" thanked for, not mocked: "thank you so much for", "thanks so much for" (folded)
SINCERE_SO_MUCH_RE = re.compile(
    r"(?<!\w)(?:thank\s+you|thanks|thank\s+u|thx|love\s+you|appreciate\s+it)\s+so\s+much\s+for"
)
# a thank-you for a fix is a short post (X allows 280); a longer text that thanks on the way tells
# a story
PUT_RIGHT_MAX_CHARS = 300
# "çözüldü mü", "həll olundu mu": a question particle right after the fix
QUESTION_AFTER_RE = re.compile(r"\s+m[iu]\w{0,6}(?!\w)")
# "Harika bir yer ama ... telefonu açan yok": what follows the contrast word is the point.
CONTRAST_RE = re.compile(
    r"\s(?:ama|fakat|ancak|amma|lakin|ancaq|but|however|though|sadly|unfortunately|maalesef"
    r"|ne yazik ki|teessuf ki)(?=[\s,;:])"
)
# "and", "then": what came before the words of a fix happened before it (folded text)
AND_THEN_RE = re.compile(r"\s(?:ve|and|then|sonra|ardindan|sonrasinda)\s")
# Water on electrics: water words within a few words of sockets, fuse boxes or wiring (folded).
_WATER = (
    r"(?:\w*water|leak\w*|flood\w*|drip\w*|su|suyu|sular|sizinti\w*|sizdi\w*|sizi\w*|axir|axan)"
)
_ELECTRICS = (
    r"(?:fuse\s?box\w*|socket\w*|outlet\w*|wiring|wires|cables?|meter\s?box\w*|plug\w*|"
    r"electrics|breaker\w*|sigorta\w*|kabel\w*|"
    r"priz\w*|kablo\w*|salter\w*|pano\w*|sayac\w*|rozetka\w*|elektrik\w*)"
)
WATER_ON_ELECTRICS_RE = re.compile(
    rf"(?<!\w){_WATER}(?:\W+\w+){{0,5}}?\W+{_ELECTRICS}"
    rf"|(?<!\w){_ELECTRICS}\w*(?:\W+\w+){{0,4}}?\W+{_WATER}(?!\w)"
)
# a plain question is a short post (an enquiry); a long text ending in one argues a point
QUESTION_MAX_CHARS = 160
# asking why, or for an explanation, challenges what happened (folded text)
WHY_RE = re.compile(
    r"(?<!\w)(?:why|explain\w*|neden\w*|niye|nicin|ne ucun|izah\w*|aciklar\s+m\w*|"
    r"aciklayabilir\w*)(?!\w)"
)
# a sentence that ends before the closing question: "!", or "." before a space (not "4.5 GB")
SENTENCE_END_RE = re.compile(r"!|\.(?:\s|$)")
# links, @handles, #tags and emoji after the last sentence ("...my contract? @Mobilo 🙏")
TRAILING_TAGS_RE = re.compile(r"(?:\s|https?://\S+|[@#]\w+|[^\w\s?.!,;:])+$")
# A wait that is told as a grievance: "we waited 80 minutes", "waited over an hour", "waited all
# day"; "the driver waited while I ran down" is a kindness (folded text)
LONG_WAIT_RE = re.compile(
    r"(?<!\w)waited\s+(?:for\s+)?(?:over\s+|nearly\s+|almost\s+|"
    r"more\s+than\s+|about\s+|around\s+)?(?:\d+|an?|one|two|three|four|five|six|ten|"
    r"forty|several|many)\s*(?:\+\s*)?(?:min|mins|minutes|hour|hours|hrs?|days?|weeks?|months?)"
    r"(?!\w)|(?<!\w)waited\s+(?:ages|forever|all\s+(?:day|morning|afternoon|evening|night))"
)
# A status word in quotes is disputed: my parcel was "delivered", "ready for collection" (raw)
QUOTED_CLAIM_RE = re.compile(r"[\"“”«»]([^\"“”«»]{2,40})[\"“”«»]")
# An old person named by age (folded text): "80 yaşında annem", "84 yaşlı atam", "my mum is 84",
# "my 91-year-old gran". Ages 70-109 only: "25 yaşındayım" or "since 1984" are no one at risk.
OLD_AGE = r"(?:[7-9]\d|10\d)"
ELDERLY_RE = re.compile(
    rf"(?<![\d.,]){OLD_AGE}\s*(?:-\s*)?(?:yasinda|yasli|yas\b|years?\s*-?\s*old|yo\b)"
    r"|(?<!\w)(?:mum|mom|mother|dad|father|nan|nana|gran|granny|grandma|grandmother|"
    rf"grandad|grandpa|grandfather|annem|babam|anam|atam|nenem|babaannem|anneannem|dedem)"
    rf"\s+(?:is|who is|turned|,)?\s*{OLD_AGE}(?![\d.,])"
)
# A long-standing customer announcing they go (folded text): neither half is churn alone ("I'm
# moving to Leeds", "10 yıldır müşterinizim"), together they are: "customer for 9 years and I'm
# moving to Vodafone", "15 yıldır müşterinizim, başka yere gidiyorum".
LOYAL_RE = re.compile(
    r"(?<!\w)(?:customer (?:for|of) (?:\d+|many|over|years|a decade)|been with you for"
    r"|(?:yil|sene)dir (?:sizin )?musteri|yillik musteri|ildir (?:sizin )?musteri|illik musteri)"
)
LEAVING_RE = re.compile(
    r"(?<!\w)(?:(?:i'm|i am|we're|we are) (?:moving|going|off) to|(?:i'm|i am) (?:leaving|done)"
    r"|goodbye|geciyorum|gidiyorum|ayriliyorum|elveda|kecirem|gedirem|ayriliram|sagollasin)"
)
# Contact counted (folded text): "six emails", "third letter", "on four separate occasions", "sent
# proof twice", "3 mail attım", "5 dilekçe", "4 məktub": the customer has written before.
_COUNT = r"(?:two|three|four|five|six|seven|eight|nine|ten|several|countless|multiple|\d+)"
_NTH = r"(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))"
_CONTACTS = r"(?:emails|calls|messages|letters|complaints|chats|dms)"
COUNTED_CONTACT_RE = re.compile(
    rf"(?<!\w)(?:{_COUNT}\s+(?:separate\s+)?(?:{_CONTACTS}|occasions)"
    rf"|{_NTH}\s+(?:email|call|message|letter|complaint|ticket|chat|dm|agent|advisor|adviser"
    r"|rep|representative|operator)(?!\w)"
    # "üçüncü temsilci", "3. operatör", "dördüncü operator": the nth person they have been passed to
    r"|(?:ikinci|ucuncu|dorduncu|besinci|[2-9]\.)\s+(?:temsilci|operator|musteri temsilcisi)"
    # "Sabah 10'da da aradım, 15'te de", "10-da da zəng etdim": "at ten too", so once more before
    r"|\d{1,2}(?:[:.]\d{2})?['-]?[dt][ae]\s+d[ae]\s+(?:\S+\s+){0,2}?(?:arad|yazd|zeng)"
    r"|(?:emailed|called|rang|phoned|contacted|messaged|chased|sent\s+\w+)\s+(?:\S+\s+){0,4}?"
    r"(?:twice|three\s+times|every\s+day)"
    r"|(?:\d+|iki|uc|dort|bes)\s+(?:mail|e-posta|dilekce|sikayet|mektub|muraciet)"
    r"|(?:\d+|iki|uc|dord|bes)\s+(?:e-mail|mesaj)\s+(?:attim|yazdim|gonderdim|yazmisam|gondermisem))"
)
# Contact told as a list of dates (folded text): "emailed on 4 June, 11 June and 19 June", "2, 9
# ve 16 Şubat'ta yazdım" is the same customer writing three times; one date ("returned it on 9
# May") or dates of different events ("sent it back on 2 March, signed for on 4 March") are not.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|ocak|subat|mart|nisan|mayis"
    r"|haziran|temmuz|agustos|eylul|ekim|kasim|aralik|yanvar|fevral|aprel|iyun|iyul|avqust"
    r"|sentyabr|oktyabr|noyabr|dekabr)"
)
_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|pazartesi|sali|carsamba"
    r"|persembe|cuma|cumartesi|bazar ertesi|cersenbe axsami|cume axsami|senbe)"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)"
    rf"|\d{{1,2}}[./]\d{{1,2}}(?:[./]\d{{2,4}})?|{_WEEKDAY})"
    r"(?:'\w*|i?n?[dt][ae]|dir|dur|tir|tur)?(?!\w)"  # "Şubat'ta", "martda", "maydır"; not "maybe"
)
_DATE_JOIN = r"(?:\s*,\s*(?:and\s+|ve\s+)?|\s+(?:and|ve|&)\s+)(?:then\s+|again\s+)?(?:on\s+)?"
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"  # "2, 9 and 16 Feb": the month named once, at the end
# at most seven dates: an unbounded list made a long run of "1, 1, 1, ..." take seconds
_DATES = rf"(?:(?:{_DATE}|{_DAY_NUMBER}){_DATE_JOIN}){{1,6}}{_DATE}"
DATED_CONTACT_RE = re.compile(
    r"(?<!\w)(?:emailed|called|rang|phoned|contacted|messaged|wrote|written|chased|complained"
    rf"|reported|dm'?d|tweeted)\s+(?:\S+\s+){{0,5}}?(?:on\s+)?{_DATES}"
    rf"|(?<!\w){_DATES}\s+(?:\S+\s+){{0,3}}?(?:arad|yazd|yazmis|mail at|mesaj at|basvur|ulas"
    r"|sikayet et|zeng et|zeng ele|muraciet et|mektub)"
)
# A move to a named @handle, done or announced (folded text, @handles kept): "bugün @Mavihat'e
# geçtim", "yarın @Mavihat'e geçiyorum", "@AyNet-ə keçəcəyəm", "switched to @Brightline". The
# handle it goes to decides who is left: the brand written to (no churn) or a rival (churn).
SWITCH_TO_HANDLE_RE = re.compile(
    r"(?<![\w@])@(?P<to>\w+)['-]?(?:y?[ae])?\s+(?:\w+\s+)?"
    r"(?P<verb>gec(?:tim|tik|is yaptim|iyorum|iyoruz|ecegim|ecegiz|ecem)"
    r"|kec(?:dim|dik|irem|irik|eceyem|ecem)|tasidim|tasiyorum|tasiyacagim)(?!\w)"
    r"|(?<!\w)(?P<en_verb>switched|switching|moved|moving|ported\s+my\s+number"
    r"|porting\s+my\s+number)\s+(?:over\s+)?to\s+@(?P<en_to>\w+)"
)
# the forms of SWITCH_TO_HANDLE_RE that report the move as done ("geçtim", "switched")
SWITCH_DONE_RE = re.compile(
    r"gectim|gectik|gecis yaptim|kecdim|kecdik|tasidim|switched|moved|ported"
)
# Left a rival for the brand written to: "3 ay önce rakipten geçtim", "Başqa provayderdən keçdim"
JOINED_FROM_RE = re.compile(
    r"(?<!\w)(?:rakip(?:\s+firma)?\w*|bas[kq]a\s+(?:bir\s+)?(?:operator|provayder|firma|sirket|banka?)\w*)"
    r"[dt][ae]n\s+(?:\S+\s+){0,3}?(?:gec(?:tim|tik)|kec(?:dim|dik))(?!\w)"
)


def _switch(folded: str) -> tuple[str, bool] | None:
    """The @handle a move goes to, and whether it is done; None when no move is told."""
    m = SWITCH_TO_HANDLE_RE.search(folded)
    if m is None:
        return None
    verb = m.group("verb") or m.group("en_verb")
    return m.group("to") or m.group("en_to"), bool(SWITCH_DONE_RE.fullmatch(verb.split()[0]))


JOINED, LEFT = "joined", "left"


def brand_switch(folded: str, brand: str | None = None) -> str | None:
    """JOINED when the customer says they came over to the brand they write about ("bugün
    @Mavihat'e geçtim", "rakipten geçtim"), LEFT when they move to a rival's @handle ("@TurkuazGSM
    rezalet, yarın @Mavihat'e geçiyorum"), else None.

    With the brand known, the handle switched to says which. Without it, a post's only @handle
    is taken to be the brand it is addressed to, and with several the first one is.
    """
    if JOINED_FROM_RE.search(folded):
        return JOINED
    move = _switch(folded)
    if move is None:
        return None
    target, done = move
    if brand:
        ours = fold_any(brand).replace(" ", "") in target
    else:
        handles = [h.lower()[1:] for h in MENTION_RE.findall(folded)]
        if len(set(handles)) == 1:
            ours = True
        elif handles and handles[0] != target:
            ours = False
        else:
            return None
    if ours:
        return JOINED if done else None  # "I'm switching to you": not yet a customer
    return LEFT


# What may follow a post's last word: punctuation, emoji, spaces
TRAILING_RE = re.compile(r"[\W_]+$")
# Names the rules below fill in, when the taxonomy has them (a user may disable any of them).
IRONY = "irony"
REPEAT_CONTACT = "repeat_contact"
MANAGER_REQUEST, MANAGER, REFUND, CANCEL = "manager_request", "manager", "refund", "cancel"
SAFETY, VULNERABLE, CHURN = "safety_risk", "vulnerable", "churn_threat"

IRONY_EMOJI = (
    "🙃",
    "🙄",
    "😒",
    "🤡",
    "😏",
    "🤦",
    "👏",
    "🙂",
)  # 👏, 🙂 after a failure: a slow clap
NEGATIVE_EMOJI = ("😡", "😠", "🤬", "😤", "👎", "😞", "😢", "😭", "💩")
POSITIVE_EMOJI = ("😍", "❤", "👍", "🙏", "😊", "🥰", "👏", "💯")


@dataclass
class Cues:
    """What the lexicons found in one text."""

    negative: int = 0
    positive: int = 0
    failure: int = 0
    harm: int = 0  # lost, damaged or missing items, mistreatment, double charges
    polite: int = 0
    irony_marker: bool = False
    sarcasm: bool = False  # a phrase that is sarcastic on its own ("thanks for nothing")
    # praise, then "but" and a failure, or thanks that close a failure: the failure is the point
    conceded_praise: bool = False
    amount: bool = False  # a sum of money is named ("12 AZN", "£7.40")
    double_charge: bool = False  # "iki kez çekildi": the count is of payments, not of contacts
    put_right: bool = False  # a problem reported as fixed, with thanks, and nothing wrong after
    again: bool = False  # it happened again ("yine", "yenə", "third time"), not "every time"
    chasing: bool = False  # the customer has contacted the brand over and over about it
    question: bool = False  # the post is one short question ("how do I add a second line?")
    # a question the customer calls one ("iade edilebiliyor mu? Sadece merak ettim"): an enquiry
    # even when it names a refund or a cancellation
    enquiry: bool = False
    why: bool = False  # it asks why, or for an explanation ("neden", "niyə", "explain why")
    asks: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    priority_cues: list[str] = field(default_factory=list)  # raise priority, never shown
    category_hits: dict[str, int] = field(default_factory=dict)
    first_hit: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def lexicons() -> dict[str, Any]:
    """The packaged lexicons (nlp/lexicons.yaml), by kind then language."""
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


class CueFinder:
    """Compiled lexicons plus the taxonomy's keyword rules."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        lex = lexicons()
        self._neg = compile_keywords(lex["negative"])
        self._pos = compile_keywords(lex["positive"])
        self._fail = compile_keywords(lex["failure"])
        self._harm = compile_keywords(lex["harm"])
        self._polite = compile_keywords(lex["polite"])
        self._irony = compile_keywords(lex["irony_markers"])
        self._resolved = compile_keywords(lex["resolved"])
        self._put_right = compile_keywords(lex.get("put_right") or {})
        self._gratitude = compile_keywords(lex.get("gratitude") or {})
        self._settled = compile_keywords(lex.get("settled") or {})
        self._damage = compile_keywords(lex.get("damage") or {})
        self._sarcasm = compile_keywords(lex.get("sarcasm") or {})
        self._again = compile_keywords(lex.get("again") or {})
        self._chasing = compile_keywords(lex.get("chasing") or {})
        self._closing_thanks = compile_keywords(lex.get("closing_thanks") or {})
        self._not_refund = compile_keywords(lex.get("not_refund") or {})
        self._no_heating = compile_keywords(lex.get("no_heating") or {})
        self._freezing = compile_keywords(lex.get("freezing") or {})
        self._medicine = compile_keywords(lex.get("medicine") or {})
        self._just_asking = compile_keywords(lex.get("just_asking") or {})
        # blanked before signals: figures of speech and customers coming to the brand; customers
        # who will come back ("tekrar alırım" repeats no failure) too, unless they refuse to
        self._not_literal = [
            p for p in (compile_keywords(lex.get(k) or {}) for k in ("figurative", "joining")) if p
        ]
        self._coming_back = compile_keywords(lex.get("coming_back") or {})
        self._priority = {
            name: compile_keywords(spec.get("keywords") or {})
            for name, spec in (lex.get("priority_cues") or {}).items()
        }
        self.priority_severities = {
            name: float(spec.get("severity", 0.0))
            for name, spec in (lex.get("priority_cues") or {}).items()
        }

    @staticmethod
    def _count(pattern: re.Pattern[str] | None, folded: str) -> int:
        return len(pattern.findall(folded)) if pattern is not None else 0

    def find(self, folded: str, raw: str, brand: str | None = None) -> Cues:
        """Count every cue in one text (folded for words, raw for emoji).

        @handles and the brand's own name are left out: they say who is addressed, not what
        went wrong ("Kargola" is a brand, not a parcel; "@kargoladestek" no delivery).
        """
        switch = brand_switch(folded, brand)
        folded = strip_names(folded, brand)
        harm = self._count(self._harm, folded) + len(DOUBLE_CHARGE_RE.findall(folded))
        cues = Cues(
            negative=self._count(self._neg, folded) + sum(raw.count(e) for e in NEGATIVE_EMOJI),
            positive=self._count(self._pos, folded) + sum(raw.count(e) for e in POSITIVE_EMOJI),
            failure=self.failures(folded)
            + len(DOUBLE_CHARGE_RE.findall(folded))
            + self.disputed_claims(raw),
            harm=harm,
            polite=self._count(self._polite, folded),
            irony_marker=bool(self._count(self._irony, folded))
            or any(e in raw for e in IRONY_EMOJI),
        )
        negated = self.negated_praise(folded)
        cues.positive = max(0, cues.positive - negated)
        cues.negative = max(0, cues.negative - self.negated_negative(folded)) + negated
        # "thank you so much for your help" is no "so much for next-day delivery", though
        # "thank you so much for ruining my holiday" is still "thanks for ruining"
        thanked = SINCERE_SO_MUCH_RE.sub(" thanks for", folded)
        cues.sarcasm = bool(self._count(self._sarcasm, thanked))
        cues.amount = bool(AMOUNT_RE.search(folded))
        cues.why = bool(WHY_RE.search(folded))
        cues.question = one_short_question(raw)
        cues.enquiry = "?" in raw and bool(self._count(self._just_asking, folded))
        cues.double_charge = bool(DOUBLE_CHARGE_RE.search(folded))
        cues.irony_marker = cues.irony_marker or cues.sarcasm
        # "iade kargom" is the parcel being returned, not a request for money back
        ask_text = self._not_refund.sub(" ", folded) if self._not_refund else folded
        asks = {n for n, e in self.taxonomy.asks.items() if e.find(ask_text)}
        # "lezzet patlaması", "the bill shocked me": a turn of phrase raises no signal
        # ("numaramı size taşımak istiyorum" is no churn)
        literal = folded
        for pattern in self._not_literal:
            literal = pattern.sub(" ", literal)
        if self._coming_back is not None:
            literal = self._coming_back.sub(_blank_unless_refused, literal)
        literal = NEVER_AGAIN_RE.sub(REFUSED_RETURN, literal)  # churn; nothing happened again
        signals = {n for n, e in self.taxonomy.signals.items() if e.find(literal)}
        cues.again = bool(self._count(self._again, literal))
        if IRONY in signals:
            # irony is not a keyword hit: the pipeline emits it from the irony decision, which
            # counts words configured under the `irony` signal as extra sarcasm markers
            signals.discard(IRONY)
            cues.irony_marker = True
        cues.chasing = bool(
            COUNTED_CONTACT_RE.search(literal)
            or DATED_CONTACT_RE.search(literal)
            or self._count(self._chasing, literal)
        )
        if REPEAT_CONTACT in self.taxonomy.signals and cues.chasing:
            signals.add(REPEAT_CONTACT)
        loyal_leaving = LOYAL_RE.search(literal) and LEAVING_RE.search(literal)
        if CHURN in self.taxonomy.signals and loyal_leaving:
            signals.add(CHURN)
        if switch == JOINED:  # "@Mavihat'e geçtim": they came over to this brand
            signals.discard(CHURN)
        elif switch == LEFT and CHURN in self.taxonomy.signals:  # "yarın @Rakip'e geçiyorum"
            signals.add(CHURN)
        if MANAGER_REQUEST in signals:
            asks.add(MANAGER)
        if REFUND_AMOUNT_RE.search(folded):
            asks.add(REFUND)
        # keep the taxonomy's order, and only names it has
        cues.asks = [n for n in self.taxonomy.asks if n in asks]
        cues.priority_cues = [n for n, p in self._priority.items() if p and p.search(folded)]
        old_age = VULNERABLE in self._priority and ELDERLY_RE.search(folded)
        if old_age and VULNERABLE not in cues.priority_cues:
            cues.priority_cues.append(VULNERABLE)
        if SAFETY in self.taxonomy.signals and self.compound_safety(folded, cues):
            signals.add(SAFETY)
        cues.signals = [n for n in self.taxonomy.signals if n in signals]
        cues.put_right = self.put_right(folded, cues)
        # "great, but it broke" and "Parcel arrived smashed, thanks." both concede the point to
        # the failure (curt, or the polite sign-off of a tr/az complaint; sarcasm needs more)
        cues.conceded_praise = self.conceded_praise(folded) or self.closing_thanks(
            folded, raw, cues
        )
        # "heç bir problem olmadı" names no product defect
        topical = NO_PROBLEM_RE.sub(" ", WITHOUT_PROBLEM_RE.sub(" ", folded))
        found = {name: entry.find(topical) for name, entry in self.taxonomy.categories.items()}
        for name, spans in found.items():
            # a word inside another topic's longer phrase is that topic's: "gecikme faizi" is a
            # late-payment fee (billing), not a late delivery
            others = [o for other, os_ in found.items() if other != name for o in os_]
            spans = [s for s in spans if not any(_inside(s, o) for o in others)]
            if spans:
                cues.category_hits[name] = len(spans)
                cues.first_hit[name] = spans[0][0]
        return cues

    def compound_safety(self, folded: str, cues: Cues) -> bool:
        """Risks no single word names: no heating for someone vulnerable or in the cold, missing
        medicine, water on electrics."""
        if WATER_ON_ELECTRICS_RE.search(folded):
            return True
        vulnerable = VULNERABLE in cues.priority_cues
        if self._count(self._no_heating, folded) and (
            vulnerable or self._count(self._freezing, folded)
        ):
            return True
        return bool(self._count(self._medicine, folded) and cues.failure)

    def conceded_praise(self, folded: str) -> bool:
        """Praise before "ama/but" and a failure after it, with no praise in the tail."""
        parts = CONTRAST_RE.split(folded)
        if len(parts) < 2:
            return False
        head, tail = " ".join(parts[:-1]), parts[-1]
        return bool(
            self._count(self._pos, head) and self._found(tail) and not self._count(self._pos, tail)
        )

    def negated_praise(self, folded: str) -> int:
        """Praise words the customer negates ("hiç memnun değilim", "not impressed")."""
        if self._pos is None:
            return 0
        return sum(
            1
            for m in self._pos.finditer(folded)
            if NEGATION_AFTER_PRAISE_RE.match(folded, m.end())
            or NEGATION_BEFORE_PRAISE_RE.search(folded, 0, m.start())
        )

    def disputed_claims(self, raw: str) -> int:
        """Status words the customer puts in quotes: my parcel was "delivered", "resolved"."""
        if self._put_right is None and self._resolved is None:
            return 0
        found = 0
        for m in QUOTED_CLAIM_RE.finditer(raw):
            inner = fold_any(m.group(1))
            if any(p is not None and p.search(inner) for p in (self._put_right, self._resolved)):
                found += 1
        return found

    def negated_negative(self, folded: str) -> int:
        """Angry words the customer negates ("kötü değil", "not bad"): no anger is said."""
        if self._neg is None:
            return 0
        return sum(
            1
            for m in self._neg.finditer(folded)
            if NEGATION_AFTER_NEGATIVE_RE.match(folded, m.end())
            or NEGATION_BEFORE_NEGATIVE_RE.search(folded, 0, m.start())
        )

    def put_right(self, folded: str, cues: Cues) -> bool:
        """A problem reported as fixed, with thanks, and no failure, damage or anger after the fix.

        "Slow speeds for a week, they swapped the router and I'm getting full speed now. Cheers."
        The fix must not be negated, hoped for or asked about ("not fixed", "would be refunded",
        "çözüldü mü?"), its own clause must name no damage ("arrived smashed") and no failure
        after it ("değiştirildi, ikincisi de bozuldu"), and no angry word may stand anywhere.
        """
        if self._put_right is None or cues.sarcasm or cues.negative:
            return False  # "thanks for the terrible service!": anger anywhere is no thanks
        folded = CLAIM_PAYMENT_RE.sub(" ", folded)  # "hasar ödemem ... geçti": a payment, paid
        if len(folded) > PUT_RIGHT_MAX_CHARS or CANCEL in cues.asks:
            return False  # a letter that tells a story; "thanks, but I'm cancelling"
        thanks = [
            m.end()
            for p in (self._pos, self._gratitude, self._settled)
            if p
            for m in p.finditer(folded)
        ]
        if not thanks:
            return False
        contrasts = [m.start() for m in CONTRAST_RE.finditer(folded)]
        if contrasts and contrasts[-1] > max(thanks):
            return False  # "thank you, but I'll be cancelling": the thanks are conceded
        last_end = -1
        for m in self._put_right.finditer(folded):
            start = _clause_start(folded, m.start())
            end = _clause_end(folded, m.end())
            before, after = folded[start : m.start()], folded[m.end() : end]
            asked = folded[end : end + 1] == "?" or QUESTION_AFTER_RE.match(after)
            described = FIXED_OBJECT_RE.sub(" ", after)  # "delivered my delayed bag"
            if asked or NOT_DONE_RE.search(before) or self._found(described):
                continue
            # "arrived smashed"; not "replaced my faulty soundbar", nor "hasarlı geldi ve ertesi
            # gün tamir edildi" (the damage came first, then the fix)
            since = AND_THEN_RE.split(before)[-1]
            if self._damage is not None and self._damage.search(since + " " + described):
                continue
            last_end = end
        if last_end < 0:
            return False
        # "bravo", "tebrikler", 👏 after the fix praise the fix; before it they mock the failure
        if self._irony is not None and self._irony.search(folded, 0, last_end):
            return False
        if any(e in folded[:last_end] for e in IRONY_EMOJI):
            return False
        tail = folded[last_end:]  # angry words were ruled out above, for the whole text
        return not (
            self._found(tail)
            or self._count(self._harm, tail)
            # "12.400 TL eksiksiz" (in full) names nothing missing
            or (self._damage is not None and self._damage.search(WITHOUT_PROBLEM_RE.sub(" ", tail)))
            or self._count(self._polite, tail)  # "...but please send someone who can fix it"
            or any(e.find(tail) for e in self.taxonomy.asks.values())
            or any(e.find(tail) for e in self.taxonomy.signals.values())
        )

    def closing_thanks(self, folded: str, raw: str, cues: Cues) -> bool:
        """Thanks as the last words of a post that reports a failure or damage and nothing else:
        no fix, no other praise, no request, no question ("Kargom paramparça geldi, teşekkürler",
        "They replaced it but the new one is broken too, thanks"). "Please check, thanks" and
        "where is my parcel? thanks" close a request politely and are left alone."""
        if self._closing_thanks is None or not (cues.failure or cues.harm):
            return False
        if cues.put_right or cues.polite or cues.positive > 1 or "?" in raw:
            return False
        body = TRAILING_RE.sub("", folded)
        ends = [m for m in self._closing_thanks.finditer(body) if m.end() == len(body)]
        return bool(ends) and ends[0].start() > 0

    def failures(self, folded: str) -> int:
        """Failure words plus negated tr/az verbs, less problems reported as solved."""
        found = self._found(folded)
        if not found or not self._count(self._resolved, folded):
            return found  # the common case: nothing reported as solved
        # clause by clause: a solved-cue cancels only failures named up to its own clause
        # ("kargo geldi ama kutu ezik" is not solved), and none in a clause that names damage
        # ("koli ezik geldi": the damage arrived, nothing was solved)
        pending = 0
        for clause in CLAUSE_RE.split(folded):
            pending += self._found(clause)
            damaged = self._damage is not None and self._damage.search(clause)
            if not damaged:
                pending = max(0, pending - self._count(self._resolved, clause))
        return pending

    def _found(self, folded: str) -> int:
        folded = WITHOUT_PROBLEM_RE.sub(" ", folded)  # "sorunsuz teslimat" reports no problem
        folded = NO_PROBLEM_RE.sub(" ", folded)  # "hiç sorun yaşamadım": nor does this
        folded = NEVER_SEEN_SUCH_RE.sub(" ", folded)  # "hiç bu kadar iyisini görmedim"
        folded = NO_CHARGE_RE.sub(" ", folded)  # "ücret de almadı": nothing went wrong
        folded = NOT_A_FAILURE_RE.sub(" ", folded)  # "bozuk para", "evde olmayacağım"
        if self._gratitude is not None:  # "can't thank them enough", "hiç uğraştırmadılar"
            folded = self._gratitude.sub(" ", folded)
        return (
            self._count(self._fail, folded)
            + len(NEGATED_VERB_RE.findall(folded))
            + len(LONG_WAIT_RE.findall(folded))
        )

    def sentence_weight(self, folded: str) -> int:
        """How much complaint one sentence carries: failures, negative words, topics, signals."""
        score = self.failures(folded) + self._count(self._neg, folded)
        score += sum(1 for e in self.taxonomy.categories.values() if e.find(folded))
        score += sum(1 for e in self.taxonomy.signals.values() if e.find(folded))
        return score


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    """`span` lies within `other` and is shorter."""
    return other[0] <= span[0] and span[1] <= other[1] and span[1] - span[0] < other[1] - other[0]


# "never flying with you again", "won't be ordering again", "tekrar almam": a refusal to come back
# is churn, not a customer who will return (folded text, before and after the matched phrase)
REFUSED_BEFORE_RE = re.compile(r"(?:never|won'?t|not|wouldn'?t)(?:\s+\w+)?\s+$")
REFUSED_AFTER_RE = re.compile(r"m[ae]m|m[ae]y[ae]c[ae]g|m[ie]yorum")
# what a refused return reads as for the signals: a churn keyword ("never coming back"), and no
# "again" that would count as a repeated contact
REFUSED_RETURN = " never coming back "
NEVER_AGAIN_RE = re.compile(r"(?<!\w)never\s+again(?!\w)")


def _blank_unless_refused(match: re.Match[str]) -> str:
    """A "coming back" phrase blanked before signals are matched; a refused one reads as churn."""
    text = match.string
    before = text[max(0, match.start() - 24) : match.start()]
    if REFUSED_BEFORE_RE.search(before) or REFUSED_AFTER_RE.match(text, match.end()):
        return REFUSED_RETURN
    return " "


def one_short_question(raw: str) -> bool:
    """The whole post is one short question, links and tags aside ("Is there a student discount?
    @CozyCafe").

    Not "...kafa mı buluyorsunuz? Robotla muhatap etmek ne?" (two: a protest), not "the boiler is
    dripping water. Who do I contact?" (a fault stated first), not "...pulu geldi amma ... pulsuz
    deyildi?" (a grievance before "but"), and not a long text that ends in a question (it argues
    a point).
    """
    body = TRAILING_TAGS_RE.sub("", raw)
    return (
        body.endswith("?")
        and body.count("?") == 1
        and not SENTENCE_END_RE.search(body)
        and not CONTRAST_RE.search(f" {fold_any(body)} ")
        and len(body) <= QUESTION_MAX_CHARS
    )


def _clause_start(folded: str, pos: int) -> int:
    """Where the clause holding position `pos` begins (after the last clause break before it)."""
    start = 0
    for m in CLAUSE_RE.finditer(folded, 0, pos):
        start = m.end()
    return start


def _clause_end(folded: str, pos: int) -> int:
    """Where the clause holding position `pos` ends (the next clause break, or the text's end)."""
    m = CLAUSE_RE.search(folded, pos)
    return m.start() if m else len(folded)


def strip_names(folded: str, brand: str | None = None) -> str:
    """Blank out @handles and the brand's name with its suffixes ("Kargola'ya", "#kargola")."""
    folded = MENTION_RE.sub(" ", folded)
    name = fold_any(brand or "").split()
    if name:
        body = r"\s+".join(re.escape(piece) for piece in name)
        folded = re.sub(rf"(?<!\w){body}[\w']*", " ", folded)
    return folded
