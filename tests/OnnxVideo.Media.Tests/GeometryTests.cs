namespace OnnxVideo.Media.Tests;

public sealed class GeometryTests
{
    [Fact]
    public void Centre_crop_is_the_resized_centre_square_mapped_back_to_the_source()
    {
        // 640x360, short side 360 → 128 (factor 0.3556); a 112 crop covers 112 / 0.3556 = 315 source pixels.
        var g = FrameGeometry.CentreCrop(640, 360, new PreprocessingContract { ResizeShortSide = 128, CropSize = 112 });
        Assert.Equal(new CropRegion(162, 22, 315, 315), g.SourceCrop);
        Assert.Equal((112, 112), (g.Width, g.Height));
    }

    [Fact]
    public void Short_side_resize_keeps_the_aspect_ratio()
    {
        var landscape = FrameGeometry.ResizeShortSide(640, 360, 128);
        Assert.Equal((228, 128), (landscape.Width, landscape.Height));
        var portrait = FrameGeometry.ResizeShortSide(360, 640, 128);
        Assert.Equal((128, 228), (portrait.Width, portrait.Height));
        Assert.Null(landscape.SourceCrop);
    }

    [Fact]
    public void Three_crops_run_along_the_long_side()
    {
        Assert.Equal([new CropRegion(0, 8, 112, 112), new CropRegion(58, 8, 112, 112), new CropRegion(116, 8, 112, 112)],
            FrameGeometry.TestCrops(228, 128, 112, 3));
        Assert.Equal([new CropRegion(8, 0, 112, 112), new CropRegion(8, 58, 112, 112), new CropRegion(8, 116, 112, 112)],
            FrameGeometry.TestCrops(128, 228, 112, 3));
        Assert.Equal([new CropRegion(58, 8, 112, 112)], FrameGeometry.TestCrops(228, 128, 112, 1));
    }
}
