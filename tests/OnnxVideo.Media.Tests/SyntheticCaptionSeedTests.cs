namespace OnnxVideo.Media.Tests;

public sealed class SyntheticCaptionSeedTests
{
    private const int ClipsPerSplit = 300;

    /// <summary>
    /// A captioned clip's first random draw (its background grey, 50 levels) should not predict the next clip's.
    /// With seeds one apart per clip, .NET's seeded Random stepped the grey by a near-constant amount, so a few
    /// differences between neighbouring clips held most pairs.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    public void Neighbouring_clips_background_greys_differ_by_no_favoured_step(int datasetSeed)
    {
        for (var split = 0; split < SyntheticCaptionDataset.SplitNames.Length; split++)
        {
            var steps = new int[50];
            var previous = Grey(datasetSeed, split, 0);
            for (var i = 1; i < ClipsPerSplit; i++)
            {
                var grey = Grey(datasetSeed, split, i);
                steps[((grey - previous) % 50 + 50) % 50]++;
                previous = grey;
            }
            // Independent greys spread the 299 steps over 50 values (about 6 each; the largest is rarely over 16).
            Assert.InRange(steps.Max(), 0, 24);
        }
    }

    // CaptionedClipRenderer.Render's first draw.
    private static int Grey(int datasetSeed, int split, int index) =>
        new Random(SyntheticCaptionDataset.ClipSeed(datasetSeed, split, index)).Next(30, 80);
}
