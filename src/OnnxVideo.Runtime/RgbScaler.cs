namespace OnnxVideo.Runtime;

/// <summary>
/// Bilinear scaling of a region of a packed RGB24 image (pixel centres at +0.5, edges clamped), used for frames handed
/// in by the application; video files are scaled inside ffmpeg.
/// </summary>
internal static class RgbScaler
{
    public static void ScaleRegion(
        ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight,
        int regionX, int regionY, int regionWidth, int regionHeight,
        Span<byte> destination, int width, int height)
    {
        if (regionX < 0 || regionY < 0 || regionWidth < 1 || regionHeight < 1
            || regionX + regionWidth > sourceWidth || regionY + regionHeight > sourceHeight)
        {
            throw new ArgumentException("region outside the source image");
        }
        double sx = (double)regionWidth / width;
        double sy = (double)regionHeight / height;
        Span<int> x0 = width <= 1024 ? stackalloc int[width] : new int[width];
        Span<int> x1 = width <= 1024 ? stackalloc int[width] : new int[width];
        Span<float> fx = width <= 1024 ? stackalloc float[width] : new float[width];
        for (int x = 0; x < width; x++)
        {
            double u = Math.Clamp((x + 0.5) * sx - 0.5, 0, regionWidth - 1);
            int left = (int)u;
            x0[x] = (regionX + left) * 3;
            x1[x] = (regionX + Math.Min(left + 1, regionWidth - 1)) * 3;
            fx[x] = (float)(u - left);
        }
        int stride = sourceWidth * 3;
        for (int y = 0; y < height; y++)
        {
            double v = Math.Clamp((y + 0.5) * sy - 0.5, 0, regionHeight - 1);
            int top = (int)v;
            float fy = (float)(v - top);
            var row0 = source.Slice((regionY + top) * stride, stride);
            var row1 = source.Slice((regionY + Math.Min(top + 1, regionHeight - 1)) * stride, stride);
            var output = destination.Slice(y * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                int a = x0[x], b = x1[x];
                float wx = fx[x];
                for (int c = 0; c < 3; c++)
                {
                    float upper = row0[a + c] + (row0[b + c] - row0[a + c]) * wx;
                    float lower = row1[a + c] + (row1[b + c] - row1[a + c]) * wx;
                    output[x * 3 + c] = (byte)Math.Clamp((int)MathF.Round(upper + (lower - upper) * fy), 0, 255);
                }
            }
        }
    }
}
