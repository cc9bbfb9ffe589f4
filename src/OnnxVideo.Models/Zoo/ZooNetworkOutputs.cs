namespace OnnxVideo.Models.Zoo;

/// <summary>The penultimate features [F] and the logits [classes] of a zoo network.</summary>
internal sealed record ZooNetworkOutputs(ZooValue Features, ZooValue Logits);
