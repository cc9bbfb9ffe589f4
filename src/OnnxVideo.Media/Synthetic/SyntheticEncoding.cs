namespace OnnxVideo.Media;

/// <summary>How synthetic clips are encoded: square frames of <paramref name="Size"/> pixels, frames per clip, frame
/// rate, the ffmpeg encoder arguments and file extension of a codec (<see cref="SyntheticVideoDataset.Codecs"/>).</summary>
internal sealed record SyntheticEncoding(int Size, int Frames, double FrameRate, string[] Encoder, string Extension, MediaOptions Media);
