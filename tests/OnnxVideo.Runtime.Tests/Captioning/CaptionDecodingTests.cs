using OnnxVideo.Runtime;

namespace OnnxVideo.Runtime.Tests.Captioning;

/// <summary>Incremental decoding with the key/value cache against full recomputation, beam search, batching and scores.</summary>
public sealed class CaptionDecodingTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    [Fact]
    public void GreedyDecodingWithTheCacheGivesTheTokensOfFullRecomputation()
    {
        var clips = fixture.RandomClips(4, seed: 1);
        var cached = fixture.Captioner.Caption(clips);
        var recomputed = fixture.Captioner.Caption(clips, new CaptionSearch { UseCache = false });
        Assert.All(cached, c => Assert.NotEmpty(c.Tokens));
        // The clips get different captions (the memory matters), so the comparison is not of one repeated sequence.
        Assert.True(cached.Select(c => string.Join(",", c.Tokens)).Distinct().Count() > 1, "every clip got the same tokens");
        Assert.Equal(recomputed.Select(c => c.Tokens), cached.Select(c => c.Tokens));
        Assert.Equal(recomputed.Select(c => c.LogProbability), cached.Select(c => c.LogProbability), new DoubleTolerance(1e-4));
    }

    [Fact]
    public void BeamSearchWithTheCacheGivesTheTokensOfFullRecomputation()
    {
        var clips = fixture.RandomClips(3, seed: 2);
        var search = new CaptionSearch { BeamWidth = 3, LengthPenalty = 0.6f };
        var cached = fixture.Captioner.Caption(clips, search);
        var recomputed = fixture.Captioner.Caption(clips, search with { UseCache = false });
        Assert.Equal(recomputed.Select(c => c.Tokens), cached.Select(c => c.Tokens));
    }

    [Fact]
    public void BeamSearchOfWidthOneIsGreedyDecoding()
    {
        var clips = fixture.RandomClips(3, seed: 3);
        var greedy = fixture.Captioner.Caption(clips);
        var beam = fixture.Captioner.CaptionWithBeamSearch(clips, new CaptionSearch { BeamWidth = 1 });
        Assert.Equal(greedy.Select(c => c.Tokens), beam.Select(c => c.Tokens));
        Assert.Equal(greedy.Select(c => c.LogProbability), beam.Select(c => c.LogProbability));
    }

    [Fact]
    public void CaptionsOfABatchAreTheCaptionsOfEachClipAlone()
    {
        var clips = fixture.RandomClips(3, seed: 5);
        var batched = fixture.Captioner.Caption(clips, new CaptionSearch { BeamWidth = 2 });
        var alone = clips.Select(c => fixture.Captioner.Caption([c], new CaptionSearch { BeamWidth = 2 })[0]).ToList();
        Assert.Equal(alone.Select(c => c.Tokens), batched.Select(c => c.Tokens));
    }

    [Fact]
    public void MaxLengthCapsTheCaption()
    {
        var clips = fixture.RandomClips(2, seed: 6);
        Assert.All(fixture.Captioner.Caption(clips, new CaptionSearch { MaxLength = 3 }), c => Assert.True(c.Tokens.Count <= 3));
        Assert.All(fixture.Captioner.Caption(clips, new CaptionSearch { MaxLength = 3, BeamWidth = 2 }), c => Assert.True(c.Tokens.Count <= 3));
    }

    [Fact]
    public void ScoreIsTheLogLikelihoodTheStepGraphGivesTheText()
    {
        var clip = fixture.RandomClips(1, seed: 7)[0];
        string[] texts = ["a red square moves left", "a blue circle grows", "Green  Triangle"];
        var scores = fixture.Captioner.Score(clip, texts);
        for (var t = 0; t < texts.Length; t++)
        {
            var ids = fixture.Tokenizer.Encode(Text.CaptionText.Normalize(texts[t]));
            Assert.Equal(fixture.Captioner.TeacherForcedLogLikelihood(clip, ids), scores[t], 4);
        }
        Assert.NotEqual(scores[0], scores[1]);
    }

    private sealed class DoubleTolerance(double absolute) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= absolute;

        public int GetHashCode(double obj) => 0;
    }
}
