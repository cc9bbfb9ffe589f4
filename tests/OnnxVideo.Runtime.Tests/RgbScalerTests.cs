namespace OnnxVideo.Runtime.Tests;

public sealed class RgbScalerTests
{
    [Fact]
    public void Bilinear_scaling_keeps_a_linear_ramp_linear_at_the_new_pixel_centres()
    {
        // R = 10·x, G = 20·y, B = 7 on a 20×10 image; halving it puts destination pixel x at source 2x + 0.5.
        int w = 20, h = 10;
        var source = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                source[(y * w + x) * 3] = (byte)(10 * x);
                source[(y * w + x) * 3 + 1] = (byte)(20 * y);
                source[(y * w + x) * 3 + 2] = 7;
            }
        }
        var destination = new byte[10 * 5 * 3];

        RgbScaler.ScaleRegion(source, w, h, 0, 0, w, h, destination, 10, 5);

        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                Assert.Equal(20 * x + 5, destination[(y * 10 + x) * 3]);
                Assert.Equal(40 * y + 10, destination[(y * 10 + x) * 3 + 1]);
                Assert.Equal(7, destination[(y * 10 + x) * 3 + 2]);
            }
        }
    }

    [Fact]
    public void A_region_is_cut_before_scaling()
    {
        int w = 8, h = 8;
        var source = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            source[i * 3] = (byte)i;
        }
        var destination = new byte[2 * 2 * 3];

        RgbScaler.ScaleRegion(source, w, h, 3, 2, 2, 2, destination, 2, 2);

        Assert.Equal([19, 20, 27, 28], Enumerable.Range(0, 4).Select(i => (int)destination[i * 3]));
        Assert.Throws<ArgumentException>(() => RgbScaler.ScaleRegion(source, w, h, 7, 7, 2, 2, destination, 2, 2));
    }
}
