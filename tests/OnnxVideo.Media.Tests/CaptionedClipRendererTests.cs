namespace OnnxVideo.Media.Tests;

public sealed class CaptionedClipRendererTests
{
    private const int Size = 32;
    private const int Frames = 8;

    /// <summary>Pixel count and centroid x of the pixels close to a colour in one frame.</summary>
    private static (int Count, double X) Find(byte[] frames, int frame, Func<byte, byte, byte, bool> matches)
    {
        var (count, sum) = (0, 0.0);
        for (var i = 0; i < Size * Size; i++)
        {
            var o = frame * Size * Size * 3 + i * 3;
            if (matches(frames[o], frames[o + 1], frames[o + 2]))
            {
                (count, sum) = (count + 1, sum + i % Size);
            }
        }
        return (count, count > 0 ? sum / count : double.NaN);
    }

    private static bool Red(byte r, byte g, byte b) => r > 150 && g < 100 && b < 100;

    private static bool Blue(byte r, byte g, byte b) => b > 150 && r < 110 && g < 150;

    [Fact]
    public void TheFirstEventPlaysInTheFirstHalfAndTheSecondInTheSecond()
    {
        var scene = new CaptionScene(new CaptionEvent(CaptionColour.Red, CaptionShape.Square, CaptionMotion.MoveLeft),
            new CaptionEvent(CaptionColour.Blue, CaptionShape.Circle, CaptionMotion.Grow));
        var frames = new byte[Frames * Size * Size * 3];
        CaptionedClipRenderer.Render(scene, Size, Frames, noise: 0, new Random(4), frames);

        var red = Enumerable.Range(0, Frames).Select(f => Find(frames, f, Red)).ToArray();
        var blue = Enumerable.Range(0, Frames).Select(f => Find(frames, f, Blue)).ToArray();
        Assert.All(red[..4], r => Assert.True(r.Count > 20));
        Assert.All(blue[..4], b => Assert.Equal(0, b.Count));
        Assert.All(red[4..], r => Assert.Equal(0, r.Count));
        // The square moves left by 40 % of the frame; the circle grows 2.5× in radius.
        Assert.InRange(red[0].X - red[3].X, 0.35 * Size, 0.45 * Size);
        Assert.InRange((double)blue[7].Count / blue[4].Count, 4.5, 8);
    }

    [Fact]
    public void TrainScenesAvoidHeldOutPairsAndHeldOutScenesHaveOneInEitherPlace()
    {
        var holdout = CaptionHoldout.Default;
        var train = SyntheticCaptionDataset.PlanScenes(holdout, heldOut: false, 200, new Random(1));
        var test = SyntheticCaptionDataset.PlanScenes(holdout, heldOut: true, 200, new Random(2));

        Assert.All(train, s => Assert.False(holdout.IsHeldOut(s.First) || holdout.IsHeldOut(s.Second)));
        Assert.Equal(CaptionEvent.All.Count(e => !holdout.IsHeldOut(e)), train.Select(s => s.First).Distinct().Count());
        Assert.All(test, s => Assert.True(holdout.IsHeldOut(s.First) || holdout.IsHeldOut(s.Second)));
        Assert.Contains(test, s => holdout.IsHeldOut(s.First) && !holdout.IsHeldOut(s.Second));
        Assert.Contains(test, s => holdout.IsHeldOut(s.Second) && !holdout.IsHeldOut(s.First));
        Assert.All(train.Concat(test), s => Assert.False(s.First.Colour == s.Second.Colour && s.First.Shape == s.Second.Shape));
    }
}
