from nimbus import piles

pile = piles.GreenPile()
