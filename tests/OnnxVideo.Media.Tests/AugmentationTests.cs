namespace OnnxVideo.Media.Tests;

public sealed class AugmentationTests
{
    private static readonly PreprocessingContract Contract = new() { ResizeShortSide = 128, CropSize = 112 };

    [Fact]
    public void Random_resized_crop_stays_in_range_and_is_seeded()
    {
        var augmentation = new ClipAugmentation { MinScale = 0.3, MaxScale = 0.9, MinAspect = 0.75, MaxAspect = 1.3333 };
        var distinct = new HashSet<CropRegion>();
        for (var seed = 0; seed < 200; seed++)
        {
            var g = augmentation.PlanGeometry(320, 240, Contract, new Random(seed));
            Assert.Equal(g, augmentation.PlanGeometry(320, 240, Contract, new Random(seed)));
            var crop = g.SourceCrop!.Value;
            Assert.True(crop.FitsIn(320, 240), crop.ToString());
            var area = (double)crop.Width * crop.Height / (320 * 240);
            Assert.InRange(area, 0.3 * 0.95, 0.9 * 1.05);
            Assert.InRange((double)crop.Width / crop.Height, 0.75 * 0.95, 1.3333 * 1.05);
            Assert.Equal((112, 112), (g.Width, g.Height));
            Assert.False(g.HorizontalFlip);
            distinct.Add(crop);
        }
        Assert.True(distinct.Count > 150);
    }

    [Fact]
    public void Horizontal_flip_is_opt_in_and_happens_about_half_the_time()
    {
        var flips = Enumerable.Range(0, 400)
            .Count(seed => new ClipAugmentation { HorizontalFlip = true }.PlanGeometry(100, 100, Contract with { ResizeShortSide = 112 }, new Random(seed)).HorizontalFlip);
        Assert.InRange(flips, 140, 260);
    }

    [Fact]
    public void Without_random_crop_the_geometry_is_the_test_centre_crop()
    {
        var g = ClipAugmentation.None.PlanGeometry(640, 360, Contract, new Random(1));
        Assert.Equal(FrameGeometry.CentreCrop(640, 360, Contract), g);
    }

    [Fact]
    public void Invalid_ranges_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ClipAugmentation { MinScale = 0.8, MaxScale = 0.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new ClipAugmentation { MinAspect = 0 }.Validate());
    }
}
