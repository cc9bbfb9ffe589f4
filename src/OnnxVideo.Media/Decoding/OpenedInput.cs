namespace OnnxVideo.Media;

/// <summary>A video file (probed) or a frame folder (listed), ready to plan and decode: its upright size, frame count
/// and frame rate (<see cref="MediaOptions.FrameFolderFrameRate"/> for folders).</summary>
internal sealed record OpenedInput(string Path, VideoProbe? Probe, FrameFolder? Folder, int Width, int Height, long FrameCount,
    double FrameRate);
