namespace OnnxVideo.Packaging;

/// <summary>One optimizer-state tensor of a parameter: its graph input name and the output holding its next value.</summary>
internal sealed record PackageStateEntry(string Name, string Updated);
