namespace OnnxVideo.Media;

/// <summary>One split of the synthetic caption set: its name (train, val, test), absolute folder and clips.</summary>
internal sealed record SyntheticCaptionSplit(string Name, string Folder, IReadOnlyList<SyntheticCaptionedClip> Clips);
