namespace OnnxVideo.Runtime;

/// <summary>
/// One clip encoded by <see cref="VideoCaptioner.Encode"/>: the encoder's tokens, which captioning and scoring
/// attend to. Encode once, then caption and score as often as needed (e.g. many text queries against a folder).
/// </summary>
public sealed class VideoMemory
{
    internal VideoMemory(string source, float[] tokens, int count, int width)
    {
        Source = source;
        Tokens = tokens;
        Count = count;
        Width = width;
    }

    /// <summary>The video path or clip name it was encoded from.</summary>
    public string Source { get; }
    internal float[] Tokens { get; }
    internal int Count { get; }
    internal int Width { get; }
}
