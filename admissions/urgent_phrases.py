r"""The reviewed list of wording that makes a consultation request urgent (a call back at once).

Owner: the clinical lead. Every change needs their review.

How to propose a change (no programming needed):
  1. Write down the message as a person would type it, and whether it must or must not be
     flagged, with the reason.
  2. Add it to the tables in tests/admissions/test_priority.py (MUST_BE_URGENT,
     FLAGGED_ON_PURPOSE or NOT_URGENT) and ask an engineer to adjust the phrases below until
     the tests pass. The tables are the specification; the phrases only implement it.

When in doubt we flag: a false alarm costs a fast call, a miss could cost a life. We leave out
only wording that is clearly everyday ("the commute is killing me", "cutting back on drinking").

How to read the phrases. Before matching, admissions/priority.py tidies each message:
  - lower case, accents removed, all punctuation and line breaks become single spaces,
    so "Self-harm!!" reads "self harm";
  - apostrophes are dropped and contractions spelled out, with or without the apostrophe:
    "don't", "dont", "dnt", "dosent" read "do not"; "can't", "cannot" read "can not"; "won't" reads
    "will not"; "I'm"/"im" reads "i am"; "what's" reads "what is";
  - "wanna" reads "want to", "gonna" "going to", "gotta" "got to", "tryna" "trying to",
    "u" "you", "b" "be"; "any more" reads "anymore";
  - stretched letters are shortened: "sooo" reads "soo", and also "so" ("dieeee" reads "die");
  - "OD'd" reads "oded" and "O.D." reads "od" (so "OD'd" is not confused with "odd");
  - asterisks inside a word are dropped: "su*cide" reads "sucide".
The full list of spellings is _SPELLED_OUT in admissions/priority.py.

Each phrase is a regular expression over that tidied text:
  \b           start or end of a word, so "od" does not match inside "code"
  (?:a|b)      a or b
  (?:a )?      "a " is optional
  \w+          any one word;  (?:\w+ ){0,2}  zero to two words
  (?! ...)     "not followed by ..." (how everyday uses are left out)
  (?<!...)     "not preceded by ..."
Keep every phrase anchored on a word and free of open-ended repeats like (?:\w+ )*: the
performance test in tests/admissions/test_priority.py fails if a phrase becomes slow.
"""

# ---- Building blocks used by several phrases -------------------------------------------------

# "myself", "himself", "herself", "themselves", "yourself", also "my self", "themself", "myslef",
# but not "self-esteem", "self-care" and the like ("it hurt her self-esteem").
SELF = (
    r"(?:my|me|him|his|her|them|their|your|ur|our|one)? ?s(?:el|le)(?:f|fs|ves)\b"
    r"(?! (?:esteem|worth|image|confidence|respect|care|control|conscious|awareness|help"
    r"|discipline|love|doubt)\b)"
)

# Who a wish is about: "I", "he", "she", "they", "my son", "his mom", "I'd" (read "id").
SOMEONE = r"(?:i|id|he|hed|she|shed|they|theyd|we|you|my \w+|his \w+|her \w+|their \w+)"

# "anymore", "any longer", "no more" ("I can't do this no more").
ANYMORE = r"(?:anymore|any longer|no more)"

# "die", and "dye" unless it is about hair ("I want to dye my hair").
DIE = r"(?:die|dye\b(?! (?:my|his|her|their|your|our|it|the|hair)\b))"

# "go on" about life, not "go on vacation", "go on Suboxone", "go on Tuesdays".
GO_ON = (
    r"go on\b(?! (?:a|an|the|my|his|her|their|our|your|that|these|those|vacation|holiday|trips?"
    r"|leave|break|dates?|medica\w*|meds|suboxone|methadone|vivitrol|antabuse|insurance"
    r"|disability|probation|tour|stage|line|online|\w+days?|weekends?)\b)"
)

# What there is "no point" in: life itself, not "the point of treatment" or "point of view".
POINTLESS_THING = (
    rf"(?:living|life|live|being alive|{GO_ON}|going on|carrying on|staying alive|keep living"
    r"|existing|being here|anything|everything|it all|any of it|waking up|getting up"
    rf"|trying {ANYMORE})\b"
)

# Medicines someone may take too many of.
PILLS = (
    r"(?:pills?|tablets?|meds|medications?|medicines?|xanax|tylenol|advil|ibuprofen|aspirin"
    r"|acetaminophen|benzos?|percs?|percocets?|oxys?|oxycodone|oxycontin|vicodin|ambien"
    r"|klonopin|ativan|valium|seroquel|lithium|insulin|gabapentin|gabbies|antidepressants"
    r"|painkillers|pain killers)"
)

# Drugs someone may take too much of ("took too much fentanyl"); not alcohol: "drank too much
# last night" is an everyday admission, not an emergency.
DRUGS = (
    rf"(?:{PILLS}|fentanyl|fent|heroin|dope|opioids?|opiates?|methadone|suboxone|cocaine|coke"
    r"|meth|ketamine|ghb)"
)

# How many: "a bunch of", "a handful of", "all (of) his", "too many", "30", "the whole bottle of".
MANY = (
    r"(?:like |about |maybe |around |over |almost |nearly |at least )?"
    r"(?:a bunch|a handful|a lot|lots|a ton|tons|loads|a bottle|a whole bottle|the whole bottle"
    r"|an entire bottle|the entire bottle|half a bottle|a box|a whole pack|too many|way too many"
    r"|so many|all|all the|every|extra|\d{2,}|a dozen|dozens|ten|fifteen|twenty|thirty|forty"
    r"|fifty|a hundred)"
)

# ---- The list ----------------------------------------------------------------------------------
# Labels are stored on the lead and shown to staff; keep them short and stable.

URGENT_PHRASES: dict[str, list[str]] = {
    "suicide": [
        # "suicide", "suicidal", "suicidal thoughts", "suicidality", and misspellings such as
        # "suicde", "sucide", "suiside", "suicidle", "suacide", "suicidial", "suicdie"
        # (not "sussed")
        r"\b(?!suss)s(?:u|iu|w)[aeiou]?s?[cs][aeiu]{0,2}c?d"
        r"(?:e|es|ed|al|ally|ality|le|el|ial|ing|ie)?\b",
        # "sewer slide": online slang for suicide
        r"\bsewer ?slides?\b",
        # the clinical shorthand "SI" (suicidal ideation): "history of SI", "SI/HI"
        r"\b(?:active|passive|having|has|had|with|history of|hx of|reports?|reported|endorses?"
        r"|endorsed|denies|denied|recurrent|chronic|current) si\b",
        r"\bsi hi\b",
    ],
    "wanting to die": [
        # "kill myself", "wants to kill himself", "killing herself", "kill my self", "kil myself",
        # "killin himself"
        rf"\bkill?(?:s|ed|ing|in)? ?{SELF}",
        # "kms" (kill myself), but not a distance such as "20 kms"
        r"(?<![0-9] )\bkms\b",
        # "kill me", "please just kill me". Also idioms ("my mom will kill me"): we cannot tell
        # them apart. "killing me" ("my back is killing me") is left out.
        r"\bkill me\b",
        # "unalive", "unalive myself", "self-delete": online slang for suicide
        r"\bunaliv\w*",
        r"\bself ?delet\w*",
        # "shoot himself", "shot myself" (not "shot myself in the foot")
        rf"\b(?:shoot|shoots|shooting|shot) ?{SELF}(?! in the f(?:oo|ee)t)",
        # "hang myself", "drown herself", "stab himself", "poison myself", "strangle myself".
        # Not "drowning myself in work" or "poisoning myself with alcohol": figures of speech.
        r"\b(?:hang|hangs|hanged|hanging|hung|drown|drowns|drowned|stab|stabs|stabbed|stabbing"
        r"|poison|poisons|poisoned|suffocate|suffocates|suffocated|suffocating|strangle"
        r"|strangles|strangled|strangling|electrocute|electrocutes|electrocuted"
        rf"|electrocuting) ?{SELF}",
        # "off myself", "offed himself" (not "took the pressure off myself")
        rf"\b(?:to|will|might|could|would|should) off ?{SELF}|\boff(?:ed|ing) ?{SELF}",
        # "end my life", "take his own life", "took her life" (not "take my life back",
        # "take my life in a new direction")
        r"\b(?:end|ends|ended|ending|take|takes|took|taking|taken) (?:my|his|her|their|your|our)"
        r" (?:own )?life\b(?! (?:back|in a|into)\b)",
        # "end it all", "ended it all"
        r"\bend(?:s|ed|ing)? it all\b",
        # "ending it", "end things" (not "ending it with my boyfriend", "in the end things...")
        r"(?<!the )\b(?:end|ends|ending) (?:it|things)\b(?! (?:with|between|off)\b)",
        # "want to die", "wanna die", "ready to die", "wants to just die", "tried to die"
        r"\b(?:want|wants|wanted|wanting|ready|prepared|wish|wishes|wished|wishing|deserve"
        r"|deserves|deserved|plan|plans|planned|planning|try|tries|tried|trying|decided|hoping"
        rf"|longing|long) (?:to |too |2 )?(?:just )?{DIE}\b",
        # "I hope I die", "hope to die soon" (not "cross my heart and hope to die",
        # "hope to die of old age")
        r"(?<!heart and )\bhopes? (?:i |he |she |they )?(?:will |would |could |to )?(?:just )?"
        rf"{DIE}\b(?! of old age\b)",
        # "would rather die", "rather be dead", "just let me die"
        rf"\brather (?:just )?(?:{DIE}|be dead)\b|\blet me {DIE}\b",
        # "want to be dead", "better off dead"
        r"\b(?:want|wants|wanted|wanting|ready) (?:to |too )?be dead\b|\bbetter off dead\b",
        # "I want it all to end", "wants his life to be over"
        r"\b(?:want|wants|wanted|wanting|wish|wishes|wished) (?:it all|everything|all of it|it"
        r"|my life|his life|her life|their life|life) (?:all )?to (?:end|be over)\b(?! with\b)",
        # "want to disappear forever", "wish I could disappear"
        r"\bdisappear (?:forever|for good|permanently)\b",
        # "I hate being alive"
        r"\bhate (?:being alive|living|existing)\b",
        # "nobody would miss me", "no one would care if I was gone"
        r"\b(?:nobody|no one|noone) (?:would|will|is going to|going to) (?:even )?(?:miss (?:me"
        r"|him|her|them)\b|(?:notice|care) if (?:i|he|she|they) (?:was |were )?(?:gone|dead|died"
        r"|disappeared)\b)",
        # "tried to commit" (suicide left unsaid; not "commit to treatment")
        r"\b(?:tried|tries|try|trying|attempted|attempt|wants|want|wanted|thinking about|going)"
        r" to commit\b(?! (?:to|a|an|the|my|his|her|their|fully|time|myself|himself|herself"
        r"|themselves)\b)",
        # "don't want to live", "doesn't want to live anymore", "no longer want to live",
        # "don't wanna live like this" (not "doesn't want to live at home / near Boston /
        # with his parents / in a sober house": where to live, not whether)
        r"\b(?:not|no longer|never) (?:want|wants|wanted|wanting) (?:to |too )?live\b"
        r"(?! (?:at|near|by|on|there|here|nearby|close|far|together|alone|somewhere|anywhere"
        r"|elsewhere|with (?:us|me|him|them|you)"
        r"|with (?:my|his|her|their|our|your) (?:mom|mother|dad|father|parents?|family|wife"
        r"|husband|partner|boyfriend|girlfriend|kids|children|roommates?|sister|brother"
        r"|grandparents?|aunt|uncle)"
        r"|in (?!pain|fear|misery|agony|torment|darkness|constant|this world|such)\w+)\b)",
        # "don't want to be alive / exist / be here (anymore) / wake up / go on",
        # "doesn't want to be here anymore", "not wanting to be around anymore"
        r"\b(?:not|no longer|never) (?:want|wants|wanted|wanting) (?:to |too )?"
        rf"(?:be alive|exist|{GO_ON}|keep living|carry on|be here|be around {ANYMORE}"
        r"|be on this earth|be in this world|wake up|be born)\b",
        # "wish I was dead", "wishes she were dead", "wish I could die", "wish I could
        # disappear", "wish I'd never been born", "wish I wasn't alive"
        rf"\bwish(?:es|ed|ing)? (?:that )?{SOMEONE} (?:was|were|is|are|would be|could be|be"
        r"|had been) (?:just )?dead\b",
        rf"\bwish(?:es|ed|ing)? (?:that )?{SOMEONE} (?:could|would|might) (?:just )?(?:{DIE}"
        r"|disappear|not wake up|never wake up|stop existing|cease to exist|go to sleep)\b",
        rf"\bwish(?:es|ed|ing)? (?:that )?{SOMEONE} (?:had |would have |was |were |did |could )?"
        r"(?:never|not) (?:been born|born|existed|exist|woken up|woke up|wake up|alive|here)\b",
        r"\bwish(?:es|ed|ing)? for death\b|\bdeath wish\b",
        # "hope I never wake up", "go to sleep and never wake up", "want to sleep forever"
        r"\b(?:hope|hopes|hoping|pray|prays|praying|want|wants|wanting|wish|wishes|wishing)"
        r" (?:\w+ ){0,3}?(?:never|not) (?:to )?wake up\b",
        r"\bsleep and (?:never|not) wake up\b|\bsleep forever\b",
        # "better off without me", "they'd be better off if I was gone",
        # "the world would be better without me"
        r"\bbetter without me\b|\bworld (?:would|will) be better (?:off )?without\b",
        r"\bbetter off (?:without (?:me|him|her|them|us)\b|if (?:i|he|she|they) (?:was |were "
        r"|had |did |just )?(?:not |never )?(?:dead|gone|died|here|around|alive|exist|existed"
        r"|been born|disappeared)\b)",
        # "I'm a burden", "feels like a burden to everyone"
        r"\b(?:am|feel like|feels like|felt like|feeling like|being) (?:such |just |only "
        r"|nothing but )?(?:a |an )?(?:(?:huge|big|total) )?burden\b",
        # "no point (in) living", "no reason to live", "no point in anything"
        rf"\bno (?:point|reason|sense|use) (?:in |of |to |for )?{POINTLESS_THING}",
        # "doesn't see the point of anything anymore", "can't see any point in living"
        r"\b(?:not|never|can not|could not|no longer) see (?:the |a |any )?point (?:in |of |to )?"
        rf"{POINTLESS_THING}",
        # "what's the point of living", "what's the point anymore"
        rf"\bwhat is the point (?:in |of |to )?(?:{POINTLESS_THING}|{ANYMORE}\b)",
        # "life isn't worth living", "everything is pointless", "lost the will to live"
        r"\bnot worth living\b|\b(?:life|living|everything|existence) (?:is|feels|seems|was)"
        r" (?:so |just |completely |totally )?(?:pointless|meaningless|not worth it)\b",
        r"\b(?:lost|no|losing|lose) (?:the |his |her |my |their |all )?will to live\b",
        # "can't go on", "can't keep going", "can't take it anymore", "can't do this no more"
        rf"\b(?:can not|could not) (?:{GO_ON}|keep going\b(?! to\b| back\b)|carry on\b"
        rf"|keep living\b|live like this\b|take (?:it|this|the pain|life) {ANYMORE}\b"
        rf"|do this {ANYMORE}\b|handle (?:it|this|life) {ANYMORE}\b|cope {ANYMORE}\b)",
        # "tired of living", "sick of being alive", "done with life" (not "tired of living
        # paycheck to paycheck", "tired of life in the city")
        r"\b(?:tired|sick|weary) of (?:living|life|being alive|existing)\b"
        r"(?! (?:paycheck|in|at|on|out|under|near)\b)"
        r"|\bdone (?:with life|living)\b",
        # "thoughts of death", "thinks about dying" (not "the death of his father")
        r"\b(?:thoughts?|thinking|thinks|think|thought|talks?|talking|talked|obsessed"
        r"|preoccupied|fixated) (?:about|of|with) (?:death|dying)\b(?! of\b)",
        # "threatened to jump"
        r"\bthreat(?:en|ens|ened|ening)? to jump\b",
        # "wants to be with his late wife": joining someone who died
        r"\b(?:want|wants|wanted|wanting|ready|wish|wishes|wished) to (?:go )?be with (?:my|his"
        r"|her|their) (?:dead|late|deceased)\b",
        # "jump off a bridge", "jumped out of the window", "jump in front of a train"
        r"\bjump(?:s|ed|ing)? (?:off|from|out of|out|in front of|into|in) (?:\w+ ){0,2}?"
        r"(?:bridge|building|roof|rooftop|cliff|ledge|overpass|balcony|window|train|bus|truck"
        r"|traffic|tracks|subway|river|tower|garage|highway)s?\b",
        # "step in front of a train", "throw himself in front of a bus", "walk into traffic",
        # "lie down on the tracks", "drive off a bridge", "crash the car on purpose"
        r"\b(?:step|steps|stepped|stepping|walk|walks|walked|walking|run|ran|running|throw"
        r"|throws|threw|throwing|jump|jumped|lie|lay|lying) (?:\w+ )?in front of"
        r" (?:a |an |the )?(?:\w+ )?(?:train|bus|truck|car|subway|traffic)\b",
        r"\b(?:step|stepped|stepping|walk|walked|walking|run|ran|running|drive|drove|driving)"
        r" (?:out )?into (?:oncoming |the )?traffic\b",
        r"\b(?:lie|lay|lying|laying) (?:down )?on (?:the |a )?(?:train |railroad |subway )?"
        r"tracks\b",
        r"\bdr(?:ive|ives|ove|iving|iven) (?:\w+ ){0,2}?off (?:a |the )?(?:bridge|cliff)\b",
        r"\bcrash\w* (?:\w+ ){0,4}?on purpose\b",
        # "gun to my head", "blow his brains out", "a noose", "slit my wrists", "slashed his
        # wrists"
        r"\bgun (?:to|in|against) (?:my|his|her|their|your) (?:own )?(?:head|mouth|temple"
        r"|chest)\b",
        r"\bblow(?:s|ing|n)? (?:my|his|her|their|your) (?:own )?(?:brains|head) (?:out|off)\b",
        r"\bnooses?\b",
        r"\b(?:slit|slits|slitting|slash|slashed|slashing) (?:my|his|her|their|your) (?:own )?"
        r"(?:wrists?|throat)\b",
        # Saying goodbye: "wrote a goodbye note", "saying goodbye to everyone" (not "to everyone
        # at work"), "giving away his things"
        r"\b(?:goodbye|good bye|farewell) (?:note|letter|message|text|video)s?\b",
        r"\b(?:say|says|said|saying) (?:goodbye|good bye|bye) to (?:everyone|everybody"
        r"|all of us|us all|the family|his family|her family|their family)\b"
        r"(?! (?:at|from) (?:work|school|the office|my job|his job|her job)\b)",
        r"\b(?:give|gives|giving|gave|given) away (?:all )?(?:of )?(?:my|his|her|their)"
        r" (?:things|stuff|belongings|possessions)\b",
    ],
    "overdose": [
        # "overdose", "overdosed", "overdosing", "over dose", "overdoze" (not "overdid")
        r"\bover ?do(?:s|z)\w*",
        # "OD", "ODs", "OD'd", "ODed", "ODing", "O.D." (not "odd", "code", "mode", "episode")
        r"\bod(?:s|ed|ing)?\b",
        # Someone needed naloxone: "Narcan", "narcanned", "naloxone", "nalaxone"
        r"\bnar(?:c|k)(?:a|o)n\w*|\bnal(?:o|a)x(?:o|a)n\w*",
        # Signs of an overdose happening now: "not breathing", "stopped breathing",
        # "found him unresponsive", "she is unresponsive", "turning blue", "blue lips",
        # "can't wake him up", "won't wake up" (not "the insurer was unresponsive",
        # "I can't wake up without a drink")
        r"\b(?:not|stopped|stop|stops|barely|hardly) breathing\b",
        r"\b(?:found|find|finds|finding) (?:\w+ ){0,2}?unresponsive\b",
        r"\b(?:i|he|she|they|him|her|them|son|daughter|husband|wife|partner|boyfriend|girlfriend"
        r"|brother|sister|dad|father|mom|mother|friend) (?:is |was |went |became |has been "
        r"|had been |been )?(?:unresponsive\b(?! to\b)|not responding\b|not waking up\b)",
        r"\bturn(?:s|ed|ing)? blue\b|\blips (?:are |were |went |turned |turning )?blue\b"
        r"|\bblue lips\b",
        r"\b(?:can|could) not wake (?:my |his |her |their )?\w+ up\b"
        r"|\b(?:will|would) not wake up\b",
        r"\balcohol poisoning\b",
        # "took a bunch of pills", "swallowed all her meds", "took like 30 xanax",
        # "took the whole bottle" (not "I take my pills every morning", "took all his meds as
        # prescribed")
        rf"\b(?:took|taken|swallowed|ate|popped|downed) {MANY} (?:of )?(?:(?:my|his|her|their"
        rf"|the|your|those|these) )?(?:\w+ )?{PILLS}\b(?! as (?:prescribed|directed)\b)",
        rf"\b(?:take|takes|taking|swallow|swallows|swallowing) (?:too many|way too many"
        rf"|a bunch of|a handful of|the whole bottle of|a whole bottle of) (?:(?:my|his|her"
        rf"|their|the) )?(?:\w+ )?{PILLS}\b(?! as (?:prescribed|directed)\b)",
        r"\b(?:took|taken|swallowed|downed) (?:a|the|an) (?:whole|entire|full) bottle\b",
        # "took too much fentanyl", "did way too much coke"
        r"\b(?:took|taken|take|taking|used|using|did|had|shot|injected|snorted|smoked) (?:way )?"
        rf"too much (?:of )?(?:(?:my|his|her|their|the) )?(?:\w+ )?{DRUGS}\b",
    ],
    "self-harm": [
        # "self harm", "self-harm", "selfharm", "self-harming", "self-injury", "self-mutilation"
        r"\bself ?(?:harm|injur|mutilat)\w*",
        # "hurting herself", "harm myself", "hit himself", "starving herself", "scratching myself"
        r"\b(?:hurt|hurts|hurting|hurtin|harm|harms|harmed|harming|hit|hits|hitting|punch\w*"
        rf"|scratch\w*|starv\w*|mutilat\w*|bite|bites|biting) ?{SELF}",
        # "cutting myself", "cut herself" (not "cut myself off", "cut myself some slack")
        rf"\b(?:cut|cuts|cutting|cuttin) ?{SELF}(?! (?:off|some slack|short|loose|free|out)\b)",
        # "burning myself" (not "burning myself out", which is exhaustion)
        rf"\b(?:burn|burns|burned|burnt|burning) ?{SELF}(?! out\b)",
        # "cut her arms", "burning her legs", "cuts on her wrists", "scars on his arms"
        # ("slit/slashed his wrists" is under "wanting to die")
        r"\b(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|scratch\w*|carv\w*)"
        r" (?:my|his|her|their|your) (?:own )?(?:arms?|wrists?|legs?|thighs?|skin|stomach)\b",
        r"\b(?:cuts|cut marks|scars|burns) (?:on|all over|up and down) (?:my|his|her|their)"
        r" (?:arms?|wrists?|legs?|thighs?|stomach)\b",
        # Cutting as a habit: "she's been cutting again", "started cutting" (not "cutting back
        # on drinking", "cutting class", "been cutting costs")
        r"\b(?:been|started|starts|start|keeps|kept|still|stopped|stop|back to|history of"
        r"|caught (?:him|her|them)) cutting\b(?! (?:back|down|out|off|up|class|classes|school"
        r"|corners|ties|hair|costs|through|in|into|it|the|a|an|my|his|her|their|our|your"
        r"|people|them|him|me|us|on|and)\b)",
        r"\bcutting again\b",
    ],
}
