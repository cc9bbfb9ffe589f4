namespace OnnxVideo.Media.Tests;

public sealed class PreprocessorTests
{
    private static readonly float[] Mean = [0.4f, 0.5f, 0.6f];
    private static readonly float[] Std = [0.2f, 0.25f, 0.3f];

    private static (byte[] Frames, int W, int H) RandomFrames(int t, int w, int h, int seed)
    {
        var frames = new byte[t * w * h * 3];
        new Random(seed).NextBytes(frames);
        return (frames, w, h);
    }

    /// <summary>The normalised value the contract defines, computed directly in double precision.</summary>
    private static double Expected(byte[] frames, int w, int h, int f, int y, int x, int sourceChannel, int modelChannel) =>
        (frames[((f * h + y) * w + x) * 3 + sourceChannel] / 255.0 - Mean[modelChannel]) / Std[modelChannel];

    [Theory]
    [InlineData(TensorLayout.NCTHW, ChannelOrder.Rgb)]
    [InlineData(TensorLayout.NTCHW, ChannelOrder.Rgb)]
    [InlineData(TensorLayout.NCTHW, ChannelOrder.Bgr)]
    public void Normalises_the_crop_into_the_contract_layout(TensorLayout layout, ChannelOrder order)
    {
        var contract = new PreprocessingContract
        {
            Frames = 3, CropSize = 4, ResizeShortSide = 4, Mean = Mean, Std = Std, Layout = layout, ChannelOrder = order,
        };
        var (frames, w, h) = RandomFrames(3, 7, 6, 11);
        var crop = new CropRegion(2, 1, 4, 4);
        var pre = new ClipPreprocessor(contract);
        Assert.Equal(3 * 3 * 16, pre.SampleElements);
        // Batch slot 1 of 2: slot 0 must stay untouched.
        var batch = new float[2 * pre.SampleElements];
        pre.Process(frames, w, h, crop, batch.AsSpan(pre.SampleElements));
        Assert.All(batch[..pre.SampleElements], v => Assert.Equal(0f, v));

        for (var c = 0; c < 3; c++)
        {
            var source = order == ChannelOrder.Rgb ? c : 2 - c;
            for (var f = 0; f < 3; f++)
            {
                for (var y = 0; y < 4; y++)
                {
                    for (var x = 0; x < 4; x++)
                    {
                        var index = layout == TensorLayout.NCTHW
                            ? ((c * 3 + f) * 4 + y) * 4 + x
                            : ((f * 3 + c) * 4 + y) * 4 + x;
                        Assert.Equal(Expected(frames, w, h, f, y + 1, x + 2, source, c),
                            batch[pre.SampleElements + index], 4);
                    }
                }
            }
        }
    }

    [Fact]
    public void Float16_output_is_the_float32_value_rounded_to_half()
    {
        var contract = new PreprocessingContract { Frames = 2, CropSize = 8, ResizeShortSide = 8, Mean = Mean, Std = Std };
        var (frames, _, _) = RandomFrames(2, 8, 8, 3);
        var pre = new ClipPreprocessor(contract);
        var single = new float[pre.SampleElements];
        var half = new Half[pre.SampleElements];
        pre.Process(frames, single);
        pre.Process(frames, half);
        for (var i = 0; i < single.Length; i++)
        {
            Assert.Equal((Half)single[i], half[i]);
        }
    }

    [Fact]
    public void Rejects_a_crop_that_does_not_match_the_contract()
    {
        var pre = new ClipPreprocessor(new PreprocessingContract { Frames = 1, CropSize = 4, ResizeShortSide = 4 });
        var frames = new byte[5 * 5 * 3];
        Assert.Throws<ArgumentException>(() => pre.Process(frames, 5, 5, new CropRegion(2, 2, 4, 4), new float[pre.SampleElements]));
        Assert.Throws<ArgumentException>(() => pre.Process(frames, 5, 5, new CropRegion(0, 0, 3, 3), new float[pre.SampleElements]));
        Assert.Throws<ArgumentException>(() => pre.Process(frames, 5, 5, new CropRegion(0, 0, 4, 4), new float[10]));
    }
}
