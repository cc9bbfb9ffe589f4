namespace OnnxVideo.Text.Tests;

public sealed class CaptionMetricsTests
{
    private static IReadOnlyList<IReadOnlyList<string>> Refs(params string[][] references) => references;

    [Fact]
    public void IdenticalCaptionsScoreBleuOneAndDisjointOnesZero()
    {
        string[] hypotheses = ["a red square moves left then a blue circle grows", "a green triangle shrinks then a red square moves up"];
        var references = Refs(["a red square slides left", hypotheses[0]], [hypotheses[1]]);

        Assert.Equal(1.0, CaptionMetrics.Bleu4(hypotheses, references), 12);
        Assert.Equal(1.0, CaptionMetrics.ExactMatch(hypotheses, references));
        Assert.Equal(0.0, CaptionMetrics.Bleu4(["one two three four five"], Refs(["six seven eight nine ten"])));
        Assert.Equal(0.0, CaptionMetrics.CiderD(["one two three four five", "x y z w"], Refs(["six seven eight nine ten"], ["p q r s"])));
    }

    [Fact]
    public void BleuByHand()
    {
        // Precisions 5/6, 4/5, 3/4, 2/3: their geometric mean is (1/3)^(1/4); no brevity penalty.
        Assert.Equal(Math.Pow(1.0 / 3, 0.25), CaptionMetrics.Bleu4(["a b c d e f"], Refs(["a b c d e g"])), 12);
        // All precisions 1, c = 4 < r = 8: the brevity penalty exp(1 - 8/4).
        Assert.Equal(Math.Exp(-1), CaptionMetrics.Bleu4(["a b c d"], Refs(["a b c d e f g h"])), 12);
        // Reference lengths 4 and 6 are equally close to 5: the shorter counts, so no penalty (the longer would give exp(-0.2)).
        Assert.Equal(1.0, CaptionMetrics.Bleu4(["a b c d e"], Refs(["a b c d", "a b c d e f"])), 12);
        // Corpus-level sums, not a mean of sentence scores: 9 of 10 unigrams ... 3 of 4 4-grams over the two items.
        var corpus = CaptionMetrics.Bleu4(["a b c d", "e f g h x y"], Refs(["a b c d"], ["e f g h z y"]));
        Assert.Equal(Math.Pow(9.0 / 10 * 6 / 8 * 4 / 6 * 2 / 4, 0.25), corpus, 12);
    }

    [Fact]
    public void CiderDByHand()
    {
        // Each item's n-grams occur in no other item's references: idf = log 2 for all, the vectors are equal, the
        // clipped cosine is 1 for every order and there is no length penalty: 10.
        Assert.Equal(10.0, CaptionMetrics.CiderD(["a b c d", "e f g h"], Refs(["a b c d"], ["e f g h"])), 12);
        // The same caption for every item: every n-gram is in all items' references, idf = 0, so CIDEr-D is 0.
        Assert.Equal(0.0, CaptionMetrics.CiderD(["a b c d", "a b c d"], Refs(["a b c d"], ["a b c d"])), 12);
        // "a b c d d" against "a b c d" (all idf log 2, which cancels): clipped cosines 4/(2·√7), 3/(2·√3), 2/(√3·√2) and
        // 1/(√2·1) for orders 1..4, and one bigram more, so the Gaussian penalty exp(-1/72); the other item scores 10.
        var first = 10 * Math.Exp(-1.0 / 72) * (2 / Math.Sqrt(7) + Math.Sqrt(3) / 2 + 2 / Math.Sqrt(6) + 1 / Math.Sqrt(2)) / 4;
        Assert.Equal((first + 10) / 2, CaptionMetrics.CiderD(["a b c d d", "e f g h"], Refs(["a b c d"], ["e f g h"])), 12);
    }

    [Fact]
    public void ExactMatchNormalisesBothSides()
    {
        var score = CaptionMetrics.ExactMatch(["A Red  square", "a blue circle", "a green"],
            Refs(["a red square"], ["a blue circle grows", "a blue Circle"], ["a green triangle"]));

        Assert.Equal(2.0 / 3, score, 12);
    }

    [Fact]
    public void MismatchedOrEmptyInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => CaptionMetrics.Bleu4(["a"], Refs(["a"], ["b"])));
        Assert.Throws<ArgumentException>(() => CaptionMetrics.CiderD([], Refs()));
        Assert.Throws<ArgumentException>(() => CaptionMetrics.ExactMatch(["a"], Refs([])));
    }

    private static readonly Lazy<PythonReference.Scores[]> Reference = new(() => PythonReference.Run(Sets()));

    [Fact]
    public void BleuAndCiderDAgreeWithTheIndependentPythonImplementation()
    {
        foreach (var ((hypotheses, references), reference) in Sets().Zip(Reference.Value))
        {
            Assert.Equal(reference.Bleu4, CaptionMetrics.Bleu4(hypotheses, references), 10);
            Assert.Equal(reference.CiderD, CaptionMetrics.CiderD(hypotheses, references), 10);
        }
        // The sets are not degenerate: scores spread between the extremes.
        Assert.Contains(Reference.Value, r => r.Bleu4 is > 0.2 and < 0.95);
        Assert.Contains(Reference.Value, r => r.CiderD is > 0.5 and < 9.5);
    }

    [NltkFact]
    public void BleuAgreesWithNltksCorpusBleu()
    {
        foreach (var ((hypotheses, references), reference) in Sets().Zip(Reference.Value))
        {
            Assert.NotNull(reference.Bleu4Nltk);
            Assert.Equal(reference.Bleu4Nltk.Value, CaptionMetrics.Bleu4(hypotheses, references), 10);
        }
    }

    /// <summary>A fixed hand-written set (short, long, reordered, empty and one-word hypotheses) and seeded random sets
    /// of captions from the synthetic grammar with words dropped, swapped or replaced.</summary>
    private static IEnumerable<(string[] Hypotheses, IReadOnlyList<IReadOnlyList<string>> References)> Sets()
    {
        yield return (
            [
                "a red square moves left then a blue circle grows",
                "a red square moves right then a blue circle grows",
                "a circle",
                "",
                "grows",
                "then a green triangle shrinks a green triangle shrinks",
                "first a yellow square moves up and then a red circle moves down",
                "a blue triangle gets bigger then then then",
            ],
            Refs(
                ["a red square moves left then a blue circle grows", "a red square slides left then a blue circle gets bigger"],
                ["a red square moves left then a blue circle grows"],
                ["a blue circle shrinks then a red square moves up", "first a blue circle shrinks and then a red square moves up"],
                ["a green square grows then a yellow circle moves left"],
                ["a yellow triangle grows then a green circle shrinks"],
                ["a green triangle shrinks then a red square moves up", "a green triangle gets smaller then a red square slides up", "first a green triangle shrinks and then a red square moves up"],
                ["first a yellow square moves up and then a red circle moves down"],
                ["a blue triangle gets bigger then a yellow square slides right"]));
        for (var seed = 1; seed <= 4; seed++)
        {
            yield return RandomSet(new Random(seed), items: 40 * seed);
        }
    }

    private static (string[], IReadOnlyList<IReadOnlyList<string>>) RandomSet(Random rng, int items)
    {
        string[] colours = ["red", "green", "blue", "yellow"], shapes = ["square", "circle", "triangle"];
        string[] motions = ["moves left", "moves right", "moves up", "moves down", "grows", "shrinks"];
        string Event() => $"a {colours[rng.Next(4)]} {shapes[rng.Next(3)]} {motions[rng.Next(6)]}";
        var hypotheses = new string[items];
        var references = new IReadOnlyList<string>[items];
        for (var i = 0; i < items; i++)
        {
            var caption = $"{Event()} then {Event()}";
            string[] paraphrases = [caption, "first " + caption.Replace(" then ", " and then "), $"{Event()} then {Event()}"];
            references[i] = paraphrases[..rng.Next(1, 4)];
            var words = caption.Split(' ').ToList();
            switch (rng.Next(4))
            {
                case 0:
                    words.RemoveAt(rng.Next(words.Count));
                    break;
                case 1:
                    var j = rng.Next(words.Count - 1);
                    (words[j], words[j + 1]) = (words[j + 1], words[j]);
                    break;
                case 2:
                    words[rng.Next(words.Count)] = colours[rng.Next(4)];
                    break;
            }
            hypotheses[i] = string.Join(' ', words.Take(rng.Next(1, 5) == 1 ? rng.Next(1, 4) : words.Count));
        }
        return (hypotheses, references);
    }
}
