namespace OnnxVideo.Runtime;

/// <summary>
/// Frames an application already has (camera, its own decoder): each frame is <see cref="Width"/>×<see cref="Height"/>
/// packed RGB24, rows top to bottom, no padding. Frames are sampled by the model's contract as a video file's would be;
/// <see cref="FrameRate"/> only places clips on the time axis.
/// </summary>
public sealed class RgbFrames
{
    public RgbFrames(string name, int width, int height, IReadOnlyList<ReadOnlyMemory<byte>> frames, double frameRate = 30)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(frames);
        Name = name;
        Width = width;
        Height = height;
        Frames = frames;
        FrameRate = frameRate;
    }

    public string Name { get; }
    public int Width { get; }
    public int Height { get; }
    public IReadOnlyList<ReadOnlyMemory<byte>> Frames { get; }
    public double FrameRate { get; }

    public int FrameBytes => Width * Height * 3;

    /// <summary>Frames stored back to back in one buffer (frame count = length / (width·height·3)).</summary>
    public static RgbFrames FromContiguous(string name, int width, int height, ReadOnlyMemory<byte> pixels, double frameRate = 30)
    {
        int frameBytes = checked(width * height * 3);
        if (width < 1 || height < 1 || pixels.Length % frameBytes != 0)
        {
            throw new ArgumentException($"{name}: {pixels.Length} bytes is not a whole number of {width}x{height} RGB24 frames");
        }
        var frames = new ReadOnlyMemory<byte>[pixels.Length / frameBytes];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = pixels.Slice(i * frameBytes, frameBytes);
        }
        return new RgbFrames(name, width, height, frames, frameRate);
    }

    /// <summary>Why these frames cannot be classified, or null when they can.</summary>
    internal string? Problem()
    {
        if (Width < 1 || Height < 1)
        {
            return $"frame size {Width}x{Height} is not positive";
        }
        if (Frames.Count == 0)
        {
            return "no frames";
        }
        if (!(FrameRate > 0) || !double.IsFinite(FrameRate))
        {
            return $"frame rate {FrameRate} is not positive";
        }
        for (int i = 0; i < Frames.Count; i++)
        {
            if (Frames[i].Length != FrameBytes)
            {
                return $"frame {i} has {Frames[i].Length} bytes, expected {FrameBytes} ({Width}x{Height} RGB24)";
            }
        }
        return null;
    }
}
