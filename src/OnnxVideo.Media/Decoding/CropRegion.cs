namespace OnnxVideo.Media;

/// <summary>A rectangle in pixels, X/Y of the top-left corner.</summary>
public readonly record struct CropRegion(int X, int Y, int Width, int Height)
{
    public bool FitsIn(int width, int height) =>
        X >= 0 && Y >= 0 && Width > 0 && Height > 0 && X + Width <= width && Y + Height <= height;
}
