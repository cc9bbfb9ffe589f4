namespace OnnxVideo.Models.Zoo;

/// <summary>The penultimate features [F] and the logits [classes] of a zoo network.</summary>
public sealed record ZooNetworkOutputs(ZooValue Features, ZooValue Logits);
