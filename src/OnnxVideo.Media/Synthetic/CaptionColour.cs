namespace OnnxVideo.Media;

/// <summary>The colours of objects in the synthetic caption set (<see cref="SyntheticCaptionDataset"/>).</summary>
internal enum CaptionColour
{
    Red,
    Green,
    Blue,
    Yellow,
}
