namespace OnnxVideo.Media;

/// <summary>Order of the colour channels in the model input.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
