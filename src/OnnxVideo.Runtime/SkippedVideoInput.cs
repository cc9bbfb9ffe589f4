namespace OnnxVideo.Runtime;

/// <summary>An entry of an input folder or list that was not taken as a video to classify, and why (a link that leaves
/// the folder, a broken or looping link, a folder that cannot be listed, a second path to a file already listed).</summary>
internal sealed record SkippedVideoInput(string Path, string Reason);
