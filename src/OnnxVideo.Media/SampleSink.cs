namespace OnnxVideo.Media;

/// <summary>Receives one (clip, crop) of decoded rgb24 frames: <paramref name="frames"/> holds the clip's T frames of
/// <paramref name="width"/>×<paramref name="height"/>, <paramref name="crop"/> the region to preprocess, and
/// <paramref name="sample"/> its place (clip × crops + crop).</summary>
internal delegate void SampleSink(ReadOnlySpan<byte> frames, int width, int height, CropRegion crop, int sample);
