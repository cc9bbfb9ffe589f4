namespace OnnxVideo.Runtime;

/// <summary>One preprocessed (clip, crop) sample ready for the model, with where the clip lies in the video.</summary>
internal readonly record struct PreparedClip(int ClipIndex, int Crop, TimeSpan Start, TimeSpan End, float[] Tensor);
