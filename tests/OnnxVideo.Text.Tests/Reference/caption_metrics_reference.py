"""Independent reference for OnnxVideo.Text's caption metrics, written from the published definitions.

Reads {"sets": [{"items": [{"hypothesis": str, "references": [str, ...]}, ...]}, ...]} on stdin and prints one
{"bleu4": float, "bleu4_nltk": float or null, "cider_d": float} per set, as a JSON list:
  bleu4     corpus BLEU-4 (Papineni et al.; NLTK corpus_bleu conventions: uniform weights, closest reference length,
            ties to the shorter, max(1, n-gram count) per hypothesis, no smoothing; 0 when an order has no match)
  bleu4_nltk  nltk.translate.bleu_score.corpus_bleu on the same words, when nltk imports (Debian's python3-nltk)
  cider_d   CIDEr-D (Vedantam et al., as pycocoevalcap's CiderScorer: df over the items' references, idf
            log(N) - log(max(1, df)), clipped cosine per order 1..4, Gaussian penalty sigma 6 on the difference in
            bigram counts, mean over orders, mean over references, x10, mean over items)
"""
import json
import math
import sys
from collections import Counter


def words(text):
    return " ".join(text.lower().split()).split()


def ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu4(hyps, refs):
    matched = [0] * 4
    total = [0] * 4
    c = r = 0
    for hyp, rs in zip(hyps, refs):
        for n in range(1, 5):
            counts = ngrams(hyp, n)
            best = Counter()
            for ref in rs:
                best |= ngrams(ref, n)
            matched[n - 1] += sum(min(k, best[g]) for g, k in counts.items())
            total[n - 1] += max(1, sum(counts.values()))
        c += len(hyp)
        r += sorted((abs(len(ref) - len(hyp)), len(ref)) for ref in rs)[0][1]
    if min(matched) == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(matched, total)) / 4
    bp = 1.0 if c >= r else (0.0 if c == 0 else math.exp(1 - r / c))
    return bp * math.exp(log_p)


def nltk_bleu4(hyps, refs):
    try:
        import warnings
        from nltk.translate.bleu_score import corpus_bleu
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(corpus_bleu(refs, hyps))


def cider_d(hyps, refs, sigma=6.0):
    def grams(tokens):
        return {n: ngrams(tokens, n) for n in range(1, 5)}

    ref_grams = [[grams(ref) for ref in rs] for rs in refs]
    df = Counter()
    for item in ref_grams:
        df.update({g for ref in item for n in ref for g in ref[n]})
    log_n = math.log(len(hyps))

    def tfidf(g):
        vec = {n: {k: tf * (log_n - math.log(max(1.0, df[k]))) for k, tf in g[n].items()} for n in g}
        norm = {n: math.sqrt(sum(v * v for v in vec[n].values())) for n in vec}
        return vec, norm, sum(g[2].values())

    scores = []
    for hyp, item in zip(hyps, ref_grams):
        hv, hn, hl = tfidf(grams(hyp))
        per_ref = []
        for ref in item:
            rv, rn, rl = tfidf(ref)
            penalty = math.exp(-((hl - rl) ** 2) / (2 * sigma ** 2))
            orders = []
            for n in range(1, 5):
                dot = sum(min(w, rv[n].get(k, 0.0)) * rv[n].get(k, 0.0) for k, w in hv[n].items())
                if hn[n] != 0 and rn[n] != 0:
                    dot /= hn[n] * rn[n]
                orders.append(dot * penalty)
            per_ref.append(sum(orders) / 4)
        scores.append(10.0 * sum(per_ref) / len(per_ref))
    return sum(scores) / len(scores)


def main():
    results = []
    for items in (s["items"] for s in json.load(sys.stdin)["sets"]):
        hyps = [words(i["hypothesis"]) for i in items]
        refs = [[words(r) for r in i["references"]] for i in items]
        results.append({"bleu4": bleu4(hyps, refs), "bleu4_nltk": nltk_bleu4(hyps, refs), "cider_d": cider_d(hyps, refs)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
