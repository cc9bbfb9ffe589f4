using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Export.Tests.Caption;

/// <summary>Small video_caption models for tests: clips [N, 4, 3, 16, 16], 8 memory tokens, 264 tokens, up to 6 per caption.</summary>
internal static class CaptionTestModels
{
    public static readonly long[] VideoShape = [2, 4, 3, 16, 16];

    public static VideoCaptionConfig Config(bool tie = false) => new()
    {
        Encoder = new VideoVitConfig { Depth = 2, Width = 32, Heads = 4, MlpWidth = 64, Patch = 8, Tubelet = 2, DefaultFrames = 4, DefaultSize = 16 },
        VocabularySize = VideoCaptionConfig.MinVocabularySize + 5,
        MaxLength = 6,
        Layers = 2,
        Heads = 4,
        MlpWidth = 64,
        TieEmbeddings = tie,
    };

    public static float[] RandomVideo(Random random, long[] shape) =>
        Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    /// <summary>
    /// Teacher-forcing rows for captions of the given lengths, padded to the longest + 1: tokens = BOS + ids,
    /// targets = ids + EOS, PAD after.
    /// </summary>
    public static (long[] Tokens, long[] Targets, long[] Shape) Batch(Random random, int vocabulary, params int[] lengths)
    {
        var width = lengths.Max() + 1;
        var tokens = new long[lengths.Length * width];
        var targets = new long[lengths.Length * width];
        for (var row = 0; row < lengths.Length; row++)
        {
            var ids = Enumerable.Range(0, lengths[row]).Select(_ => (long)random.Next(3, vocabulary)).ToArray();
            tokens[row * width] = VideoCaptionConfig.Bos;
            for (var i = 0; i < ids.Length; i++)
            {
                tokens[row * width + i + 1] = ids[i];
                targets[row * width + i] = ids[i];
            }
            targets[row * width + ids.Length] = VideoCaptionConfig.Eos;
        }
        return (tokens, targets, [lengths.Length, width]);
    }
}
