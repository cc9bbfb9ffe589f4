namespace OnnxVideo.Runtime.Tests;

/// <summary>Deterministic RGB24 frame sequences (moving gradients), different per seed.</summary>
public static class SyntheticFrames
{
    public static RgbFrames Create(string name, int seed, int width = 48, int height = 40, int count = 6)
    {
        var frames = new ReadOnlyMemory<byte>[count];
        for (int f = 0; f < count; f++)
        {
            var pixels = new byte[width * height * 3];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int i = (y * width + x) * 3;
                    pixels[i] = (byte)((x * (seed + 3) + f * 20) % 256);
                    pixels[i + 1] = (byte)((y * (seed * 5 + 1) + f * 7) % 256);
                    pixels[i + 2] = (byte)(((x + y) * seed + f * 31 + seed * 40) % 256);
                }
            }
            frames[f] = pixels;
        }
        return new RgbFrames(name, width, height, frames);
    }
}
