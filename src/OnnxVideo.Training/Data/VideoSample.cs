namespace OnnxVideo.Training.Data;

/// <summary>One labelled clip: a video file or a folder of frame images, and its class index.</summary>
public sealed record VideoSample(string Path, int Label)
{
    /// <summary>True when <see cref="Path"/> is a folder of frame images rather than a video file.</summary>
    public bool IsFrameFolder => Directory.Exists(Path);
}
