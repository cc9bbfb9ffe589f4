namespace OnnxVideo.Runtime;

/// <summary>One class label with its probability (softmax, averaged over the clips and crops that were scored).</summary>
public readonly record struct LabelScore(string Label, int Index, float Score);
